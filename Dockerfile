# Multi-stage build of both hosts; build from the repository root, one target per host:
#   docker build --target silo -t orleans-gateway-silo .
#   docker build --target frontend -t orleans-gateway-frontend .
# (docker compose builds both.) Each host is restored and published from the same copy of the sources.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY Grains.Interfaces/Grains.Interfaces.csproj Grains.Interfaces/
COPY Grains/Grains.csproj Grains/
COPY Hosting/Hosting.csproj Hosting/
COPY Frontend/Frontend.csproj Frontend/
COPY Silo/Silo.csproj Silo/
# ReadyToRun (issue 20's cold start): every assembly, the packages' too, is compiled ahead of time for linux-x64, so a
# fresh container JIT-compiles little before its first answers; restore needs the same RID and property.
ARG RID=linux-x64
RUN dotnet restore Frontend/Frontend.csproj -r $RID -p:PublishReadyToRun=true \
 && dotnet restore Silo/Silo.csproj -r $RID -p:PublishReadyToRun=true
COPY Grains.Interfaces/ Grains.Interfaces/
COPY Grains/ Grains/
COPY Hosting/ Hosting/
COPY Frontend/ Frontend/
COPY Silo/ Silo/
RUN dotnet publish Frontend/Frontend.csproj -c Release -o /app/frontend --no-restore -r $RID --self-contained false -p:PublishReadyToRun=true \
 && dotnet publish Silo/Silo.csproj -c Release -o /app/silo --no-restore -r $RID --self-contained false -p:PublishReadyToRun=true

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
ENV ASPNETCORE_ENVIRONMENT=Production

FROM runtime AS silo
COPY --from=build /app/silo .
# 8080: /health and the Orleans Dashboard (/dashboard); 11111: silo-to-silo; 30000: frontends (Orleans clients).
EXPOSE 8080 11111 30000
ENTRYPOINT ["dotnet", "OrleansGateway.Silo.dll", "--urls", "http://+:8080"]

FROM runtime AS frontend
COPY --from=build /app/frontend .
# 8000: /llm, /v1 and /health.
EXPOSE 8000
ENTRYPOINT ["dotnet", "OrleansGateway.Frontend.dll", "--urls", "http://+:8000"]
