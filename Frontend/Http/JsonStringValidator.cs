using System.Text;
using System.Text.Unicode;

namespace OrleansGateway.Frontend.Http;

/// <summary>
/// One forward pass over a JSON body that finds the first string (property names included) that
/// cannot become a .NET string: invalid UTF-8 bytes or an escape that leaves a lone surrogate
/// (<c>"\ud800"</c>). Run once where bodies are read, so every field of every endpoint is covered,
/// including fields the gateway never reads and passes on. Only strings whose raw bytes hold an
/// escape or non-ASCII bytes get the expensive check.
/// </summary>
public static class JsonStringValidator
{
    /// <summary>Containers deeper than this are left to the deserializer, which rejects them (its default limit is the same).</summary>
    public const int MaxDepth = 64;

    // An array's index before its first element; an object's marker in the index column.
    private const int ArrayBeforeFirst = -1, ObjectMarker = -2;

    /// <summary>
    /// The JSON path (<c>messages[0].content</c>; <c>$</c> for a bare string) of the first string
    /// that cannot be transcoded, or null when every string is valid. Malformed JSON also answers
    /// null: the deserializer reports it with its own position.
    /// </summary>
    public static string? FindInvalidString(ReadOnlySpan<byte> json)
    {
        // Per open container: the index of the current array element (-1 for an object), and the
        // start and length of the current property name in the body.
        Span<int> index = stackalloc int[MaxDepth + 1];
        Span<int> nameStart = stackalloc int[MaxDepth + 1];
        Span<int> nameLength = stackalloc int[MaxDepth + 1];
        var depth = 0;
        // As lenient as any deserializer's options can be, so no body that deserializes skips the check.
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            while (reader.Read())
            {
                var token = reader.TokenType;
                if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    depth--;
                    continue;
                }

                if (token == JsonTokenType.PropertyName)
                {
                    nameStart[depth] = (int)reader.TokenStartIndex + 1;
                    nameLength[depth] = reader.ValueSpan.Length;
                    if (!IsTranscodable(ref reader))
                    {
                        var at = Render(json, depth, index, nameStart, nameLength, includeLast: false);
                        return at.Length == 0 ? "a property name" : $"a property name in {at}";
                    }

                    continue;
                }

                if (depth > 0 && index[depth] != ObjectMarker)
                {
                    index[depth]++;
                }

                if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    if (depth == MaxDepth)
                    {
                        return null;
                    }

                    depth++;
                    index[depth] = token == JsonTokenType.StartArray ? ArrayBeforeFirst : ObjectMarker;
                    continue;
                }

                if (token == JsonTokenType.String && !IsTranscodable(ref reader))
                {
                    var path = Render(json, depth, index, nameStart, nameLength, includeLast: true);
                    return path.Length == 0 ? "$" : path;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }

    private static bool IsTranscodable(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            return Ascii.IsValid(raw) || Utf8.IsValid(raw);
        }

        if (!Utf8.IsValid(raw))
        {
            return false;
        }

        // An escape can spell a lone surrogate; unescaping to UTF-16 is what fails then.
        var buffer = raw.Length <= 256 ? stackalloc char[raw.Length] : new char[raw.Length];
        try
        {
            reader.CopyString(buffer);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Render(ReadOnlySpan<byte> json, int depth, ReadOnlySpan<int> index, ReadOnlySpan<int> nameStart, ReadOnlySpan<int> nameLength, bool includeLast)
    {
        var path = new StringBuilder();
        for (var level = 1; level <= depth; level++)
        {
            if (level == depth && !includeLast)
            {
                break;
            }

            if (index[level] == ObjectMarker)
            {
                if (path.Length > 0)
                {
                    path.Append('.');
                }

                path.Append(Encoding.UTF8.GetString(json.Slice(nameStart[level], nameLength[level])));
            }
            else
            {
                path.Append('[').Append(index[level]).Append(']');
            }
        }

        return path.ToString();
    }

}
