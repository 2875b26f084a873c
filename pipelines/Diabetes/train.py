#!/usr/bin/env python3
"""Trains a regressor on scikit-learn's built-in diabetes data set and logs with ##mlp lines.

It also logs its training-set fit (train_rmse, train_r2) the way MLflow clients do: a runs/log-batch call to the MLflow
REST API named by MLFLOW_TRACKING_URI, into run MLFLOW_RUN_ID, with MLFLOW_TRACKING_TOKEN, trusting
MLFLOW_TRACKING_SERVER_CERT_PATH. The runner sets these for every step (on an embedded workspace it serves the API on
loopback for the run), so mlflow.log_metric(...) would land in the same run.

Variants: --algorithm ridge (--alpha), gbr (gradient boosting) or random_forest. The model is saved with joblib to
--model DIR (default $MLP_OUTPUT_DIR/model), held-out predictions to --predictions PATH
(default $MLP_OUTPUT_DIR/predictions.csv) as label,prediction.
"""
import argparse
import csv
import json
import math
import os
import ssl
import sys
import time
import urllib.error
import urllib.request


def mlp(kind, name, value, step=None):
    """Writes one ##mlp line; the runner turns it into a param or metric of the run."""
    attrs = f"name={name}" + (f" step={step}" if step is not None else "")
    print(f"##mlp[{kind} {attrs}]{value}", flush=True)


def mlflow_log_batch(metrics):
    """Logs {name: value} as MLflow metrics into the step's run; does nothing outside an MLflow-enabled run."""
    uri, run_id = os.environ.get("MLFLOW_TRACKING_URI"), os.environ.get("MLFLOW_RUN_ID")
    if not uri or not run_id:
        return
    now = int(time.time() * 1000)
    body = {"run_id": run_id, "metrics": [{"key": k, "value": v, "timestamp": now, "step": 0} for k, v in metrics.items()]}
    request = urllib.request.Request(uri.rstrip("/") + "/api/2.0/mlflow/runs/log-batch", data=json.dumps(body).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
    if os.environ.get("MLFLOW_TRACKING_TOKEN"):
        request.add_header("Authorization", "Bearer " + os.environ["MLFLOW_TRACKING_TOKEN"])
    context = ssl.create_default_context(cafile=os.environ.get("MLFLOW_TRACKING_SERVER_CERT_PATH") or None)
    try:
        with urllib.request.urlopen(request, context=context, timeout=30):
            pass
    except urllib.error.HTTPError as e:
        raise SystemExit(f"MLflow runs/log-batch to {uri} failed: HTTP {e.code} {e.read().decode(errors='replace')}")
    print(f"logged {', '.join(metrics)} to run {run_id} with MLflow's runs/log-batch", flush=True)


def parse_args(argv):
    out = os.environ.get("MLP_OUTPUT_DIR")
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--algorithm", choices=["ridge", "gbr", "random_forest"], default="ridge")
    p.add_argument("--alpha", type=float, default=1.0, help="ridge: L2 penalty")
    p.add_argument("--n-estimators", type=int, default=200, help="gbr/random_forest: number of trees")
    p.add_argument("--max-depth", type=int, default=3, help="gbr/random_forest: tree depth")
    p.add_argument("--learning-rate", type=float, default=0.05, help="gbr: shrinkage")
    p.add_argument("--test-size", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--model", default=os.path.join(out, "model") if out else None, help="output folder for the model")
    p.add_argument("--predictions", default=os.path.join(out, "predictions.csv") if out else None)
    args = p.parse_args(argv)
    if args.model is None:
        p.error("--model DIR is required when $MLP_OUTPUT_DIR is not set")
    if not 0 < args.test_size < 1:
        p.error(f"--test-size must be between 0 and 1, got {args.test_size}")
    return args


def build(args):
    from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if args.algorithm == "ridge":
        mlp("param", "alpha", args.alpha)
        return make_pipeline(StandardScaler(), Ridge(alpha=args.alpha))
    mlp("param", "n_estimators", args.n_estimators)
    mlp("param", "max_depth", args.max_depth)
    if args.algorithm == "gbr":
        mlp("param", "learning_rate", args.learning_rate)
        return GradientBoostingRegressor(n_estimators=args.n_estimators, max_depth=args.max_depth,
                                         learning_rate=args.learning_rate, random_state=args.seed)
    return RandomForestRegressor(n_estimators=args.n_estimators, max_depth=args.max_depth,
                                 random_state=args.seed, n_jobs=1)


def main(argv):
    args = parse_args(argv)
    import joblib
    from sklearn.datasets import load_diabetes
    from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
    from sklearn.model_selection import train_test_split

    data = load_diabetes()
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=args.test_size, random_state=args.seed)
    print(f"diabetes: {len(x_train)} train, {len(x_test)} test, {data.data.shape[1]} features", flush=True)
    mlp("param", "algorithm", args.algorithm)
    mlp("param", "test_size", args.test_size)
    mlp("param", "seed", args.seed)

    model = build(args)
    model.fit(x_train, y_train)
    if args.algorithm == "gbr":
        # Validation RMSE as boosting stages are added: a learning curve in the run's metrics.
        for stage, pred in enumerate(model.staged_predict(x_test), start=1):
            if stage % 10 == 0 or stage == args.n_estimators:
                mlp("metric", "val_rmse", math.sqrt(mean_squared_error(y_test, pred)), step=stage)

    fitted = model.predict(x_train)
    mlflow_log_batch({"train_rmse": math.sqrt(mean_squared_error(y_train, fitted)), "train_r2": r2_score(y_train, fitted)})

    predictions = model.predict(x_test)
    rmse = math.sqrt(mean_squared_error(y_test, predictions))
    mae = mean_absolute_error(y_test, predictions)
    r2 = r2_score(y_test, predictions)
    mlp("metric", "rmse", rmse)
    mlp("metric", "mae", mae)
    mlp("metric", "r2", r2)

    os.makedirs(args.model, exist_ok=True)
    joblib.dump(model, os.path.join(args.model, "model.joblib"))
    with open(os.path.join(args.model, "model.json"), "w") as f:
        json.dump({"algorithm": args.algorithm, "features": list(data.feature_names), "file": "model.joblib"}, f, indent=2)
    print(f"model written to {args.model} (rmse {rmse:.2f}, r2 {r2:.3f})", flush=True)

    if args.predictions:
        folder = os.path.dirname(os.path.abspath(args.predictions))
        os.makedirs(folder, exist_ok=True)
        with open(args.predictions, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["label", "prediction"])
            for label, pred in zip(y_test, predictions):
                w.writerow([repr(float(label)), repr(float(pred))])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
