# Scoring image for model 'iris' version 3 (python scorer).
# Rendered by MlPipelines from templates/scoring/python/Dockerfile.hbs. To change it, copy that file to templates/scoring/python/Dockerfile.hbs
# in your pipeline project and edit it there: a file with the same relative path wins over the built-in one.
# The scoring host is .NET: its runtime is copied from the .NET image into the Python image.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS dotnet
FROM python:3.11-slim
COPY --from=dotnet /usr/share/dotnet /usr/share/dotnet
ENV DOTNET_ROOT=/usr/share/dotnet \
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
COPY requirements.txt /app/requirements.txt
RUN pip install --no-cache-dir -r /app/requirements.txt
WORKDIR /app
# Least-changing layers first: the host, then the scorer, then the model.
COPY host/ /app/host/
COPY scorer/ /app/scorer/
COPY model/ /app/model/
ENV MLP_MODEL_DIR=/app/model \
    AZUREML_MODEL_DIR=/app/model \
    MLP_SCORER=python \
    MLP_SCORE_PY=/app/scorer/score.py \
    MLP_PYTHON=python3 \
    MLP_PYTHON_WORKERS=2 \
    MLP_URLS=http://0.0.0.0:8080
LABEL org.opencontainers.image.title="iris" \
      org.opencontainers.image.version="3" \
      io.mlpipelines.model="iris" \
      io.mlpipelines.model.version="3" \
      io.mlpipelines.model.hash="ab12cd34" \
      io.mlpipelines.scorer="python"
EXPOSE 8080
# Not root: uid 1654 is the .NET images' "app" user; numeric, so it also works where no such user exists.
USER 1654:1654
ENTRYPOINT ["/usr/share/dotnet/dotnet", "/app/host/MlPipelines.Serving.dll"]
