namespace OrleansGateway.Telemetry;

/// <summary>What a provider's grain reports to the observable gauges: its limit, slots in use, queues and circuit.</summary>
public readonly record struct ProviderGaugeReading(int Limit, int InFlight, int QueuedInteractive, int QueuedBatch, CircuitState Circuit);
