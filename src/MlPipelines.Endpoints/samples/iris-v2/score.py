"""Sample entry script, version 2 of the walkthrough's model: the same nearest-centroid classifier, answering each
species' probability (a softmax over negative distances) with the species.

Request: {"data": [[sepal_length, sepal_width, petal_length, petal_width], ...]}.
Response: [{"species": "setosa", "probabilities": {"setosa": 0.8, ...}}, ...].
"""
import json
import math

SPECIES = ["setosa", "versicolor", "virginica"]
CENTROIDS = None


def init():
    global CENTROIDS
    # The per-species means of the iris data set (Fisher, 1936).
    CENTROIDS = [[5.006, 3.428, 1.462, 0.246], [5.936, 2.770, 4.260, 1.326], [6.588, 2.974, 5.552, 2.026]]


def rows(raw_data):
    payload = json.loads(raw_data) if isinstance(raw_data, (str, bytes)) else raw_data
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list) or not payload["data"]:
        raise ValueError('expected {"data": [[sepal_length, sepal_width, petal_length, petal_width], ...]}')
    for i, row in enumerate(payload["data"]):
        if not isinstance(row, list) or len(row) != 4 or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in row):
            raise ValueError(f"row {i} must be a list of 4 numbers")
    return payload["data"]


def distances(row):
    return [math.dist(row, c) for c in CENTROIDS]


def run(raw_data):
    answers = []
    for row in rows(raw_data):
        weights = [math.exp(-d) for d in distances(row)]
        total = sum(weights)
        probabilities = {s: round(w / total, 4) for s, w in zip(SPECIES, weights)}
        answers.append({"species": max(probabilities, key=probabilities.get), "probabilities": probabilities})
    return answers
