"""Azure ML style entry script for the diabetes model: init() loads it, run(raw_data) scores a JSON request.

Request: {"data": [[age, sex, bmi, bp, s1, s2, s3, s4, s5, s6], ...]} (the scaled features of
sklearn.datasets.load_diabetes), or {"data": [{"age": ..., "sex": ..., ...}, ...]}. Response: a list of predictions.
"""
import json
import os

FEATURES = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
model = None


def _find_model(root):
    for folder, _, files in sorted(os.walk(root)):
        if "model.joblib" in files:
            return os.path.join(folder, "model.joblib")
    raise FileNotFoundError(f"model.joblib not found under AZUREML_MODEL_DIR '{root}'")


def init():
    global model
    import joblib
    model = joblib.load(_find_model(os.environ["AZUREML_MODEL_DIR"]))


def _row(i, row):
    if isinstance(row, dict):
        missing = [f for f in FEATURES if f not in row]
        if missing:
            raise ValueError(f"row {i} is missing {', '.join(repr(m) for m in missing)}; expected {', '.join(FEATURES)}")
        row = [row[f] for f in FEATURES]
    if not isinstance(row, list) or len(row) != len(FEATURES):
        raise ValueError(f"row {i} must be a list of {len(FEATURES)} numbers ({', '.join(FEATURES)})")
    for j, v in enumerate(row):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ValueError(f"row {i}, feature '{FEATURES[j]}': {v!r} is not a number")
    return [float(v) for v in row]


def run(raw_data):
    payload = json.loads(raw_data) if isinstance(raw_data, (str, bytes)) else raw_data
    if not isinstance(payload, dict) or "data" not in payload:
        raise ValueError('expected {"data": [[10 features], ...]}')
    rows = payload["data"]
    if not isinstance(rows, list) or not rows:
        raise ValueError("'data' must be a non-empty list of rows")
    x = [_row(i, r) for i, r in enumerate(rows)]
    return [float(p) for p in model.predict(x)]
