"""Sample Azure ML style entry script for the endpoints walkthrough: a nearest-centroid iris classifier in plain Python.

Request: {"data": [[sepal_length, sepal_width, petal_length, petal_width], ...]}. Response: a list of species names.
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
    return [SPECIES[min(range(3), key=distances(r).__getitem__)] for r in rows(raw_data)]
