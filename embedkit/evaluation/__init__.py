"""The evaluation wing (intrinsic): word-pair Spearman and analogy accuracy, several vectors side by side.

Scores agree with gensim's ``KeyedVectors.evaluate_word_pairs`` and ``evaluate_word_analogies`` on
the same vectors and files, because the rules are the same:

* words are matched case-insensitively (gensim's ``case_insensitive=True``): a benchmark word takes
  the vector of the first, most frequent, vocabulary entry with the same upper-case form;
* similarity: Spearman's rho between the cosine of each pair and the human score; the whole
  vocabulary is searched (gensim: ``restrict_vocab=len(vectors)``);
* analogies ``a : b :: c : ?``: 3CosAdd, the word closest to ``b - a + c`` among the `restrict`
  most frequent words other than a, b and c (gensim: ``restrict_vocab=restrict``); a question
  counts only if all four words are among those words;
* OOV policy ``oov="skip"`` (gensim's default): pairs and questions with an unknown word are left
  out, and the coverage ``covered/total`` says how many were used. ``oov="dummy"`` (gensim's
  ``dummy4unknown=True``): an unknown pair gets cosine 0 and still counts in the Spearman, an
  unknown question counts as wrong.

Every analogy question is answered by the query wing's `search`, as gensim's
``evaluate_word_analogies`` calls ``most_similar``: evaluation and queries cannot disagree. One
matrix product per chunk of questions, so the 19,544 Google questions take seconds (see
``bench/eval_speed.py``); sparse vectors (the one-hot baseline) are never made dense.

Modules: `benchmarks` (the readers), `similarity`, `analogy`, `table` (`EvaluationResult`),
`runner` (`evaluate`).

Example: `runner.evaluate`.
"""

from .analogy import METHODS, SectionResult, analogy_scores
from .benchmarks import AnalogySection, Pair, read_analogies, read_similarity
from .runner import DEFAULT_ANALOGY, DEFAULT_SIMILARITY, evaluate
from .similarity import CONSTANT, OOV_POLICIES, pair_cosines, similarity_score, vocabulary_lookup
from .table import EvaluationResult, Row, Score

__all__ = ["CONSTANT", "DEFAULT_ANALOGY", "DEFAULT_SIMILARITY", "METHODS", "OOV_POLICIES", "AnalogySection",
           "EvaluationResult", "Pair", "Row", "Score", "SectionResult", "analogy_scores", "evaluate", "pair_cosines",
           "read_analogies", "read_similarity", "similarity_score", "vocabulary_lookup"]
