"""The snippet score of trafilatura's evaluation set, shared by the test and the benchmark.

Each page lists passages a good extractor keeps (`with`) and boilerplate it drops
(`without`): a kept passage found is a true positive, one missing a false negative, a
boilerplate passage found a false positive.
"""


def snippet_score(texts: dict[str, str], evaluation: dict) -> dict:
    tp = fn = fp = 0
    for url, item in evaluation.items():
        text = texts[url]
        tp += sum(snippet in text for snippet in item["with"])
        fn += sum(snippet not in text for snippet in item["with"])
        fp += sum(snippet in text for snippet in item["without"])
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}
