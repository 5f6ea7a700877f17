"""Published accuracies on Kim's seven sentence-classification sets, for reference rows of a report.

The numbers are copied from the papers (test accuracy %, 10-fold cross-validation for MR, SUBJ,
CR and MPQA, the standard split for SST-1 (`sst5`), SST-2 and TREC); nothing here is measured by
embedkit, and reports label these rows as published, with the citation.

Example:
    >>> published_rows(["mr", "cr"])[0]["model"]
    'CNN-rand (published: Kim 2014)'
"""

from __future__ import annotations

KIM = ("Kim (2014), Convolutional Neural Networks for Sentence Classification, EMNLP, Table 2; "
       "CNN-static and CNN-non-static use 300-d word2vec trained on 100B words of Google News")
WANG_MANNING = ("Wang and Manning (2012), Baselines and Bigrams: Simple, Good Sentiment and Topic "
                "Classification, ACL, Table 2 (also listed in Kim 2014, Table 2)")

# model -> (short citation, full citation, {registry name: accuracy %})
PUBLISHED = {
    "CNN-rand": ("Kim 2014", KIM,
                 {"mr": 76.1, "sst5": 45.0, "sst2": 82.7, "subj": 89.6, "trec": 91.2, "cr": 79.8, "mpqa": 83.4}),
    "CNN-static": ("Kim 2014", KIM,
                   {"mr": 81.0, "sst5": 45.5, "sst2": 86.8, "subj": 93.0, "trec": 92.8, "cr": 84.7, "mpqa": 89.6}),
    "CNN-non-static": ("Kim 2014", KIM,
                       {"mr": 81.5, "sst5": 48.0, "sst2": 87.2, "subj": 93.4, "trec": 93.6, "cr": 84.3,
                        "mpqa": 89.5}),
    "NBSVM-bi": ("Wang & Manning 2012", WANG_MANNING, {"mr": 79.4, "subj": 93.2, "cr": 81.8, "mpqa": 86.3}),
    "MNB-bi": ("Wang & Manning 2012", WANG_MANNING, {"mr": 79.0, "subj": 93.6, "cr": 80.0, "mpqa": 86.3}),
}


def published_rows(datasets) -> list[dict]:
    """One row per published model that reports at least one of `datasets` (registry names):
    {"model", "citation", "accuracy": {dataset: fraction}} (accuracy as a fraction, like measured rows)."""
    rows = []
    for model, (short, citation, scores) in PUBLISHED.items():
        accuracy = {d: scores[d] / 100 for d in datasets if d in scores}
        if accuracy:
            rows.append({"model": f"{model} (published: {short})", "citation": citation, "accuracy": accuracy})
    return rows
