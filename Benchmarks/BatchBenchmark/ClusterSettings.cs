namespace OrleansGateway.Benchmarks.Batch;

/// <summary>
/// Cluster mode for the gateway under test: <paramref name="Silos"/> silo processes started from <paramref name="SiloDll"/>
/// and one frontend, clustered through Redis at <paramref name="Redis"/>, with grain state and reminders in Azure Table
/// storage at <paramref name="Tables"/> (connection strings; the services are started by scripts/bench-batch.sh).
/// </summary>
internal sealed record ClusterSettings(int Silos, string SiloDll, string Redis, string Tables);
