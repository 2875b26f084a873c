# Rendered by MlPipelines from environment 'train' (system-managed). Edit the definition, not this file:
# its content hash is the environment's version.
FROM python:3.11-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends 'libgomp1' 'git' \
 && rm -rf /var/lib/apt/lists/*
COPY conda.yml /tmp/mlp-env/conda.yml
RUN conda env update --name base --file /tmp/mlp-env/conda.yml && conda clean --all --yes
RUN python3 -m pip install --no-cache-dir 'scikit-learn==1.5.2' 'numpy>=2'
ENV OMP_NUM_THREADS="1"
ENV GREETING="it's \"quoted\""
LABEL org.mlpipelines.environment="train" org.mlpipelines.environment.kind="system-managed"
