namespace OrleansGateway.Frontend.OpenAi.Batches;

/// <summary>A <c>POST /v1/batches</c> body, checked: <c>input_file_id</c>, <c>endpoint</c>, <c>completion_window</c>, <c>metadata</c>.</summary>
public sealed record BatchCreateBody(string InputFileId, string Endpoint, string CompletionWindow, string? MetadataJson)
{
    /// <summary>The endpoints a batch may run.</summary>
    public static readonly IReadOnlyList<string> Endpoints = ["/v1/chat/completions", "/v1/embeddings"];

    /// <summary>The only window (as OpenAI's).</summary>
    public const string Window = "24h";

    /// <summary>OpenAI's metadata limits: pairs, key and value lengths.</summary>
    public const int MaxMetadataPairs = 16, MaxMetadataKeyLength = 64, MaxMetadataValueLength = 512;

    /// <summary>The body, or the 400 naming the field.</summary>
    public static (BatchCreateBody? Body, GatewayError? Error) Parse(ReadOnlySpan<byte> json)
    {
        if (JsonStringValidator.FindInvalidString(json) is { } path)
        {
            return Fail($"The string at '{path}' is not valid UTF-8 or holds a lone surrogate.", path);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException exception)
        {
            return Fail($"The request body is not valid JSON: {exception.Message}", null);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Fail("The request body must be a JSON object.", null);
            }

            if (!TryString(root, "input_file_id", out var fileId) || fileId.Length == 0)
            {
                return Fail("'input_file_id' is required: the id of a file uploaded with purpose 'batch'.", "input_file_id");
            }

            if (!TryString(root, "endpoint", out var endpoint) || !Endpoints.Contains(endpoint))
            {
                return Fail($"'endpoint' must be one of {string.Join(", ", Endpoints.Select(e => $"'{e}'"))}.", "endpoint");
            }

            if (!TryString(root, "completion_window", out var window) || window != Window)
            {
                return Fail($"'completion_window' must be '{Window}'.", "completion_window");
            }

            string? metadata = null;
            if (root.TryGetProperty("metadata", out var meta) && meta.ValueKind != JsonValueKind.Null)
            {
                if (MetadataError(meta) is { } error)
                {
                    return Fail(error, "metadata");
                }

                metadata = meta.GetRawText();
            }

            return (new BatchCreateBody(fileId, endpoint, window, metadata), null);
        }
    }

    private static string? MetadataError(JsonElement metadata)
    {
        if (metadata.ValueKind != JsonValueKind.Object)
        {
            return "'metadata' must be an object of string values.";
        }

        var pairs = 0;
        foreach (var pair in metadata.EnumerateObject())
        {
            if (++pairs > MaxMetadataPairs)
            {
                return $"'metadata' may hold at most {MaxMetadataPairs} pairs.";
            }

            if (pair.Name.Length > MaxMetadataKeyLength)
            {
                return $"'metadata' keys may be at most {MaxMetadataKeyLength} characters ('{pair.Name[..16]}...' has {pair.Name.Length}).";
            }

            if (pair.Value.ValueKind != JsonValueKind.String)
            {
                return $"'metadata.{pair.Name}' must be a string.";
            }

            if (pair.Value.GetString()!.Length > MaxMetadataValueLength)
            {
                return $"'metadata.{pair.Name}' may be at most {MaxMetadataValueLength} characters.";
            }
        }

        return null;
    }

    private static bool TryString(JsonElement root, string name, out string value)
    {
        value = string.Empty;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString()!;
        return true;
    }

    private static (BatchCreateBody?, GatewayError?) Fail(string message, string? param) => (null, GatewayError.Invalid(message, param));
}
