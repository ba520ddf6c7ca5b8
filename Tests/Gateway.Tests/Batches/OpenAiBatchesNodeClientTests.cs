using System.Diagnostics;
using System.Text.Json;

namespace OrleansGateway.Tests.Batches;

/// <summary>
/// A Node program written for OpenAI's Batch API (<c>scripts/openai-batch-client.js</c>, the official <c>openai</c> npm
/// package: <c>files.create</c>, <c>batches.create</c>, <c>batches.retrieve</c>, <c>files.content</c>, <c>files.list</c>)
/// runs unmodified against the gateway on loopback Kestrel, only its base URL, key and <c>provider/model</c> names changed.
/// The package comes from <c>scripts/test-services.sh</c> (<c>GATEWAY_TEST_OPENAI_NODE_PATH</c>).
/// </summary>
public sealed class OpenAiBatchesNodeClientTests : IClassFixture<OpenAiBatchesClassGateway>
{
    private readonly OpenAiBatchesFixture _gateway;

    public OpenAiBatchesNodeClientTests(OpenAiBatchesClassGateway gateway) => _gateway = gateway.Fixture;

    [Fact]
    public async Task NodeOpenAiPackage_FilesAndBatches_RunUnmodified()
    {
        var nodePath = Environment.GetEnvironmentVariable("GATEWAY_TEST_OPENAI_NODE_PATH") is { Length: > 0 } found
            ? found
            : throw new Xunit.Sdk.XunitException(
                "GATEWAY_TEST_OPENAI_NODE_PATH is not set: run the tests through scripts/test.sh, which installs the openai npm package (scripts/test-services.sh).");
        var input = Path.Combine(Path.GetTempPath(), $"gateway-node-batch-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllLinesAsync(input, [
            OpenAiBatchesFixture.ChatLine("n1", "from node"),
            OpenAiBatchesFixture.ChatLine("n2", "second provider", model: "fake2/other-model"),
            OpenAiBatchesFixture.ChatLine("n3", "third")]);
        try
        {
            var result = await RunNodeAsync(nodePath, new Uri(_gateway.Address, "/v1").ToString(), "gateway-secret", input);

            var file = result.GetProperty("file");
            Assert.StartsWith("file-", file.GetProperty("id").GetString());
            Assert.Equal(("file", "batch"), (file.GetProperty("object").GetString(), file.GetProperty("purpose").GetString()));
            Assert.Equal(new FileInfo(input).Length, file.GetProperty("bytes").GetInt64());
            var created = result.GetProperty("created");
            Assert.StartsWith("batch_", created.GetProperty("id").GetString());
            Assert.Equal("node", created.GetProperty("metadata").GetProperty("client").GetString());
            var batch = result.GetProperty("batch");
            Assert.True(batch.GetProperty("status").GetString() == "completed", $"{batch}");
            Assert.Equal(3, batch.GetProperty("request_counts").GetProperty("completed").GetInt32());
            Assert.Equal(JsonValueKind.Null, batch.GetProperty("error_file_id").ValueKind);
            var output = result.GetProperty("output").EnumerateArray().ToDictionary(line => line.GetProperty("custom_id").GetString()!);
            Assert.Equal(["n1", "n2", "n3"], output.Keys.Order(StringComparer.Ordinal));
            Assert.Equal("echo: from node", Content(output["n1"]));
            Assert.Equal("echo: second provider", Content(output["n2"]));
            Assert.Equal("fake2/other-model", output["n2"].GetProperty("response").GetProperty("body").GetProperty("model").GetString());
            Assert.All(output.Values, line => Assert.Equal(200, line.GetProperty("response").GetProperty("status_code").GetInt32()));
            Assert.Contains(batch.GetProperty("output_file_id").GetString(), result.GetProperty("listed").EnumerateArray().Select(id => id.GetString()));
        }
        finally
        {
            File.Delete(input);
        }
    }

    private static string? Content(JsonElement line) =>
        line.GetProperty("response").GetProperty("body").GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();

    private static async Task<JsonElement> RunNodeAsync(string nodePath, string baseUrl, string key, string input)
    {
        var start = new ProcessStartInfo("node", [Script(), baseUrl, key, input]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["NODE_PATH"] = nodePath;
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var error = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        Assert.True(node.ExitCode == 0, $"the Node program failed (exit {node.ExitCode}): {await error}{await output}");
        return JsonDocument.Parse(await output).RootElement.Clone();
    }

    private static string Script()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var script = Path.Combine(directory.FullName, "scripts", "openai-batch-client.js");
            if (File.Exists(script))
            {
                return script;
            }
        }

        throw new Xunit.Sdk.XunitException("scripts/openai-batch-client.js not found above " + AppContext.BaseDirectory);
    }
}
