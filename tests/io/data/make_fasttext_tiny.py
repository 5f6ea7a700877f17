"""Make fasttext_tiny.bin and fasttext_tiny.json with Facebook's fastText (the `fasttext` PyPI package).

The .bin is a real fastText skipgram model (dim 8, 1000 buckets, n-grams of 2 to 4 characters,
'</s>' in its dictionary, non-ASCII words); the .json holds the vectors fastText's own
`get_word_vector` gives for known and unknown words, which tests/io/test_fasttext_bin.py compares
with embedkit's. Run in an environment that has fasttext (not a dependency of embedkit):

    python tests/io/data/make_fasttext_tiny.py
"""

import json
import tempfile
from pathlib import Path

import fasttext

HERE = Path(__file__).resolve().parent
LINES = ["the café was open and the naïve walker walked in",
         "где мы были вчера walked the dog",
         "the dog and the walker talked about the café",
         "東京 is far and the café is near"] * 500
WORDS = ["the", "café", "walker", "где", "東京", "</s>", "walking", "cafés", "гдеж", "x", "東京都"]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus.txt"
        corpus.write_text("\n".join(LINES) + "\n", encoding="utf-8")
        for attempt in range(10):  # fastText's Python binding sometimes reads the loss before any example
            try:
                model = fasttext.train_unsupervised(str(corpus), model="skipgram", dim=8, bucket=1000, minn=2,
                                                    maxn=4, minCount=1, thread=1, verbose=0)
                break
            except RuntimeError as error:
                if "NaN" not in str(error) or attempt == 9:
                    raise
    model.save_model(str(HERE / "fasttext_tiny.bin"))
    vectors = {w: [float(x) for x in model.get_word_vector(w)] for w in WORDS}
    known = [w for w in WORDS if model.get_word_id(w) >= 0]
    (HERE / "fasttext_tiny.json").write_text(json.dumps({"known": known, "vectors": vectors}, ensure_ascii=False,
                                                        indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
