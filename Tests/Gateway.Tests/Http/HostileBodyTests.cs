using System.Text.Json.Nodes;

namespace OrleansGateway.Tests.Http;

/// <summary>
/// Every string of every JSON endpoint's body (property names included), replaced in turn by a lone
/// surrogate escape or by invalid UTF-8, answers 400 naming the field, in the surface's error shape;
/// and JSON endpoints refuse bodies that are not sent as JSON with 415.
/// </summary>
public sealed class HostileBodyTests(GatewayFixture fixture) : GatewayFixtureTest(fixture)
{
    private const string Marker = "ZZMARKZZ";

    /// <summary>A valid body for each JSON endpoint, with a string in every field the endpoint takes.</summary>
    public static TheoryData<string, string> Endpoints() => new()
    {
        { "/llm/generation", """{"model":"fake/fake-model","prompt":"sys","user_prompt":"hi","fallbacks":["fake/other"],"metadata":{"k":"v"}}""" },
        { "/llm/generation/stream", """{"model":"fake/fake-model","prompt":"sys","user_prompt":"hi","fallbacks":["fake/other"]}""" },
        { "/llm/classification", """{"model":"fake/fake-model","user_prompt":"hi","classes":[{"id":"a","label":"A","description":"first"}]}""" },
        { "/llm/summarization", """{"model":"fake/fake-model","prompt":"sys","user_prompt":"a long text"}""" },
        { "/v1/chat/completions", """{"model":"fake/fake-model","messages":[{"role":"user","content":"hi"},{"role":"user","content":[{"type":"text","text":"part"}]}],"stop":["x"],"user":"u","metadata":{"k":"v"},"response_format":{"type":"json_object"},"unknown_field":{"deep":["s"]}}""" },
        { "/v1/batch/generate", """{"model":"fake/fake-model","tasks":[{"id":"t1","messages":[{"role":"user","content":"hi"}]},{"id":"t2","prompt":"p"}],"batch_metadata":{"k":"v"}}""" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Post_LoneSurrogateOrInvalidUtf8InAnyString_Answers400NamingTheField(string path, string template)
    {
        var strings = StringPaths(template);
        Assert.NotEmpty(strings);
        var failures = new List<string>();
        foreach (var (field, isName) in strings)
        {
            var marked = Mark(template, field, isName);
            foreach (var (kind, replacement) in new[] { ("lone surrogate", "\"\\ud800\""u8.ToArray()), ("invalid UTF-8", new byte[] { (byte)'"', 0xC3, 0x28, 0xFF, (byte)'"' }) })
            {
                var body = Splice(marked, replacement);
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                var response = await App.CreateClient().SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                var expected = isName ? ParentOf(field) : field;
                if (response.StatusCode != HttpStatusCode.BadRequest || !text.Contains(expected, StringComparison.Ordinal))
                {
                    failures.Add($"{path} {kind} in {(isName ? "the name of " : "")}{field}: {(int)response.StatusCode} {text}");
                    continue;
                }

                var json = await GatewayApplication.ReadJsonAsync(response);
                if (path.StartsWith("/v1", StringComparison.Ordinal))
                {
                    var error = json.GetProperty("error");
                    Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
                    if (!isName)
                    {
                        Assert.Equal(field, error.GetProperty("param").GetString());
                    }
                }
                else
                {
                    Assert.Equal("error", json.GetProperty("status").GetString());
                }
            }
        }

        Assert.True(failures.Count == 0, "Expected 400 naming the field for each of:\n" + string.Join("\n", failures));
        Assert.Empty(Fixture.Provider.Requests);
    }

    [Theory]
    [InlineData("/llm/generation", "text/plain")]
    [InlineData("/llm/generation", "application/x-www-form-urlencoded")]
    [InlineData("/v1/chat/completions", "text/plain")]
    [InlineData("/v1/chat/completions", "application/xml")]
    [InlineData("/v1/batch/generate", "multipart/form-data; boundary=x")]
    [InlineData("/v1/chat/completions", null)]
    public async Task Post_NotJsonMediaType_Answers415InSurfaceShape(string path, string? contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent("""{"model":"fake/fake-model","user_prompt":"hi","messages":[{"role":"user","content":"hi"}]}"""u8.ToArray()),
        };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        var response = await App.CreateClient().SendAsync(request);
        var json = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{(int)response.StatusCode} {json}");
        if (path.StartsWith("/v1", StringComparison.Ordinal))
        {
            Assert.Equal("invalid_request_error", json.GetProperty("error").GetProperty("type").GetString());
            Assert.Contains("application/json", json.GetProperty("error").GetProperty("message").GetString());
        }
        else
        {
            Assert.Equal("error", json.GetProperty("status").GetString());
            Assert.Contains("application/json", json.GetProperty("error").GetString());
        }

        Assert.Empty(Fixture.Provider.Requests);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    [InlineData("application/vnd.api+json")]
    public async Task Post_JsonMediaTypes_AreAccepted(string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new ByteArrayContent("""{"model":"fake/fake-model","messages":[{"role":"user","content":"hi"}]}"""u8.ToArray()),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var response = await App.CreateClient().SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
    }

    [Fact]
    public async Task Cancel_WithoutBodyOrContentType_StillWorks()
    {
        var submitted = await App.PostAsync("/v1/batch/generate", new { model = "fake/fake-model", tasks = new[] { new { id = "a", prompt = "p" } } });
        var id = (await GatewayApplication.ReadJsonAsync(submitted)).GetProperty("job_id").GetString();
        var response = await App.CreateClient().PostAsync($"/v1/batch/{id}/cancel", content: null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
    }

    private static List<(string Path, bool IsName)> StringPaths(string template)
    {
        var found = new List<(string, bool)>();
        Walk(JsonNode.Parse(template)!, found);
        return found;
    }

    private static void Walk(JsonNode node, List<(string, bool)> found)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    found.Add((Relative(child!.GetPath()), true));
                    Walk(child, found);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Walk(child!, found);
                }

                break;
            case JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String:
                found.Add((Relative(value.GetPath()), false));
                break;
        }
    }

    private static string Relative(string path) => path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    private static string ParentOf(string path)
    {
        var dot = path.LastIndexOf('.');
        return dot < 0 ? "a property name" : $"a property name in {path[..dot]}";
    }

    /// <summary>The template with the string (or property name) at <paramref name="path"/> replaced by the marker.</summary>
    private static byte[] Mark(string template, string path, bool isName)
    {
        var root = JsonNode.Parse(template)!;
        var target = Find(root, path);
        if (isName)
        {
            var parent = (JsonObject)target.Parent!;
            var name = target.GetPropertyName();
            parent.Remove(name);
            parent[Marker] = target;
        }
        else
        {
            target.ReplaceWith(JsonValue.Create(Marker));
        }

        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static JsonNode Find(JsonNode node, string path)
    {
        if (node.GetPath() == "$." + path || node.GetPath() == "$" + path)
        {
            return node;
        }

        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject obj => obj.Select(p => p.Value),
            JsonArray array => array,
            _ => [],
        };
        foreach (var child in children)
        {
            if (child is not null && Find(child, path) is { } found)
            {
                return found;
            }
        }

        return null!;
    }

    private static byte[] Splice(byte[] body, byte[] replacement)
    {
        var marker = Encoding.UTF8.GetBytes($"\"{Marker}\"");
        var at = body.AsSpan().IndexOf(marker);
        Assert.True(at >= 0);
        return [.. body.AsSpan(0, at), .. replacement, .. body.AsSpan(at + marker.Length)];
    }
}
