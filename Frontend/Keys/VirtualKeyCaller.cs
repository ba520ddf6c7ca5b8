using OrleansGateway.Keys;

namespace OrleansGateway.Frontend.Keys;

/// <summary>The virtual key a request was authenticated with: its id and settings as of the last look-up (at most a second old).</summary>
public sealed record VirtualKeyCaller(string Id, VirtualKeySettings Settings);
