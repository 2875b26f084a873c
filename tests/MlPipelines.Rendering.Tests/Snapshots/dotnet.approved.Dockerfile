# Scoring image for model 'iris' version 3 (dotnet scorer).
# Rendered by MlPipelines from templates/scoring/dotnet/Dockerfile.hbs. To change it, copy that file to templates/scoring/dotnet/Dockerfile.hbs
# in your pipeline project and edit it there: a file with the same relative path wins over the built-in one.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
# Least-changing layers first: the host, then the scorer, then the model.
COPY host/ /app/host/
COPY scorer/ /app/scorer/
COPY model/ /app/model/
COPY signature.json /app/signature.json
ENV MLP_MODEL_DIR=/app/model \
    MLP_SCORER=dotnet \
    MLP_SCORER_ASSEMBLY=/app/scorer/Iris.Scorer.dll \
    MLP_SIGNATURE=/app/signature.json \
    MLP_URLS=http://0.0.0.0:8080
LABEL org.opencontainers.image.title="iris" \
      org.opencontainers.image.version="3" \
      io.mlpipelines.model="iris" \
      io.mlpipelines.model.version="3" \
      io.mlpipelines.model.hash="ab12cd34" \
      io.mlpipelines.scorer="dotnet" \
      team="fraud"
EXPOSE 8080
# Not root: uid 1654 is the .NET images' "app" user; numeric, so it also works where no such user exists.
USER 1654:1654
ENTRYPOINT ["dotnet", "/app/host/MlPipelines.Serving.dll"]
