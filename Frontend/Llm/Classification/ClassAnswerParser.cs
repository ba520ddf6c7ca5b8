using System.Text;
using System.Text.RegularExpressions;

namespace OrleansGateway.Frontend.Llm.Classification;

/// <summary>
/// Finds the class a model's answer names, leniently: <c>{"id": ...}</c> (also under <c>class</c>,
/// <c>label</c> or <c>category</c>), a bare id or a label, in any case, inside code fences, with stray
/// whitespace, quotes or punctuation. Ids are tried before labels. Null when it names none.
/// </summary>
public static partial class ClassAnswerParser
{
    private static readonly string[] s_fields = ["id", "class", "label", "category"];

    /// <summary>The class the answer names, or null.</summary>
    public static ClassificationClass? Match(string? answer, IReadOnlyList<ClassificationClass> classes)
    {
        if (string.IsNullOrWhiteSpace(answer))
        {
            return null;
        }

        foreach (var candidate in Candidates(answer))
        {
            var key = Normalize(candidate);
            if (key.Length == 0)
            {
                continue;
            }

            var match = classes.FirstOrDefault(c => string.Equals(Normalize(c.Id), key, StringComparison.OrdinalIgnoreCase))
                ?? classes.FirstOrDefault(c => string.Equals(Normalize(c.Label), key, StringComparison.OrdinalIgnoreCase));
            if (match is not null)
            {
                return match;
            }
        }

        return null;
    }

    /// <summary>Trims whitespace, quotes and punctuation from both ends and collapses inner whitespace.</summary>
    public static string Normalize(string text)
    {
        var trimmed = text.AsSpan().Trim(" \t\r\n\"'`“”‘’«».,;:!?()[]{}<>*_");
        var builder = new StringBuilder(trimmed.Length);
        var space = false;
        foreach (var c in trimmed)
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space && builder.Length > 0)
            {
                builder.Append(' ');
            }

            space = false;
            builder.Append(c);
        }

        return builder.ToString();
    }

    private static IEnumerable<string> Candidates(string answer)
    {
        var text = StripCodeFence(answer.Trim());
        foreach (var value in JsonCandidates(text))
        {
            yield return value;
        }

        foreach (Match match in FieldPattern().Matches(text))
        {
            yield return match.Groups["value"].Value;
        }

        yield return text;
    }

    private static List<string> JsonCandidates(string text)
    {
        var values = new List<string>();
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.String)
            {
                values.Add(root.GetString()!);
            }
            else if (root.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in s_fields)
                {
                    foreach (var property in root.EnumerateObject())
                    {
                        if (string.Equals(property.Name, field, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
                        {
                            values.Add(property.Value.GetString()!);
                        }
                    }
                }
            }
        }
        catch (JsonException)
        {
        }

        return values;
    }

    private static string StripCodeFence(string text)
    {
        if (!text.StartsWith("```", StringComparison.Ordinal))
        {
            return text;
        }

        var firstLineEnd = text.IndexOf('\n');
        var body = firstLineEnd < 0 ? text.Trim('`') : text[(firstLineEnd + 1)..];
        var fenceEnd = body.LastIndexOf("```", StringComparison.Ordinal);
        return (fenceEnd >= 0 ? body[..fenceEnd] : body).Trim();
    }

    [GeneratedRegex("""["']?\b(?:id|class|label|category)\b["']?\s*[:=]\s*["']?(?<value>[^"'}\r\n,]+)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FieldPattern();
}
