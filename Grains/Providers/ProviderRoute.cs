namespace OrleansGateway.Providers;

/// <summary>A <c>provider/model</c> name split into the provider that routes the call and the model name sent to it.</summary>
public readonly record struct ProviderRoute(string Provider, string Model)
{
    /// <summary>The name as clients write it (made once: every request reads it at least once).</summary>
    public string FullName { get; } = $"{Provider}/{Model}";

    /// <summary>Splits <c>provider/model</c> at the first '/'; false when either part is missing.</summary>
    public static bool TryParse(string? value, out ProviderRoute route)
    {
        route = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var slash = value.IndexOf('/');
        if (slash <= 0 || slash == value.Length - 1)
        {
            return false;
        }

        route = new ProviderRoute(value[..slash].Trim().ToLowerInvariant(), value[(slash + 1)..].Trim());
        return route.Provider.Length > 0 && route.Model.Length > 0;
    }

    public override string ToString() => FullName;
}
