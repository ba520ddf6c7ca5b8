namespace OrleansGateway.Hosting.Telemetry;

/// <summary>Which of Orleans' own instruments (meter <c>Microsoft.Orleans</c>) the host collects.</summary>
public enum OrleansMetricsMode
{
    /// <summary>Only its observable instruments (activations, grains, connected clients, directory and ring sizes): read at each scrape, nothing per call.</summary>
    Gauges,

    /// <summary>Every instrument, the per-message counters and histograms (messaging, dispatcher, request latency) included.</summary>
    All,

    /// <summary>None.</summary>
    None,
}
