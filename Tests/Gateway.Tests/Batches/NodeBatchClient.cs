using System.Diagnostics;

namespace OrleansGateway.Tests.Batches;

/// <summary>
/// Runs <c>scripts/openai-batch-client.js</c> (a program written for OpenAI's Batch API with the official <c>openai</c>
/// npm package) unmodified against a gateway: only its base URL, key and input file are given. The package comes from
/// <c>scripts/test-services.sh</c> (<c>GATEWAY_TEST_OPENAI_NODE_PATH</c>). Shared by the embedded and the cluster test.
/// </summary>
public static class NodeBatchClient
{
    /// <summary>What the program printed (<c>{file, created, batch, output, errors, listed}</c>) and the input file's size.</summary>
    public sealed record Run(JsonElement Result, long InputBytes)
    {
        public JsonElement File => Result.GetProperty("file");

        public JsonElement Created => Result.GetProperty("created");

        public JsonElement Batch => Result.GetProperty("batch");

        /// <summary>The output file's lines by <c>custom_id</c> (the program parsed every line).</summary>
        public IReadOnlyList<JsonElement> Output => [.. Result.GetProperty("output").EnumerateArray()];

        /// <summary>The error file's lines.</summary>
        public IReadOnlyList<JsonElement> Errors => [.. Result.GetProperty("errors").EnumerateArray()];

        /// <summary>The ids <c>files.list({purpose: 'batch_output'})</c> paged through.</summary>
        public IReadOnlyList<string?> Listed => [.. Result.GetProperty("listed").EnumerateArray().Select(id => id.GetString())];
    }

    /// <summary>Writes <paramref name="lines"/> to a temporary JSON Lines file and runs the program on it against <paramref name="baseUrl"/> (ending in <c>/v1</c>).</summary>
    public static async Task<Run> RunAsync(string baseUrl, string key, IEnumerable<string> lines, TimeSpan timeout)
    {
        var nodePath = Environment.GetEnvironmentVariable("GATEWAY_TEST_OPENAI_NODE_PATH") is { Length: > 0 } found
            ? found
            : throw new Xunit.Sdk.XunitException(
                "GATEWAY_TEST_OPENAI_NODE_PATH is not set: run the tests through scripts/test.sh, which installs the openai npm package (scripts/test-services.sh).");
        var input = Path.Combine(Path.GetTempPath(), $"gateway-node-batch-{Guid.NewGuid():N}.jsonl");
        await System.IO.File.WriteAllLinesAsync(input, lines);
        try
        {
            var start = new ProcessStartInfo("node", [Script(), baseUrl, key, input]) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["NODE_PATH"] = nodePath;
            using var node = Process.Start(start)!;
            var output = node.StandardOutput.ReadToEndAsync();
            var error = node.StandardError.ReadToEndAsync();
            try
            {
                await node.WaitForExitAsync().WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                node.Kill();
                throw new Xunit.Sdk.XunitException($"The Node program did not end within {timeout.TotalSeconds} s: {await error}");
            }

            Assert.True(node.ExitCode == 0, $"the Node program failed (exit {node.ExitCode}): {await error}{await output}");
            return new Run(JsonDocument.Parse(await output).RootElement.Clone(), new FileInfo(input).Length);
        }
        finally
        {
            System.IO.File.Delete(input);
        }
    }

    /// <summary>The <c>message.content</c> of an output line's chat completion.</summary>
    public static string? Content(JsonElement line) =>
        line.GetProperty("response").GetProperty("body").GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();

    /// <summary>
    /// Checks what every run must show: the file and batch objects as OpenAI's, the batch <c>completed</c> with every line
    /// counted, no error file, the output file holding each of <paramref name="customIds"/> exactly once with status 200,
    /// and the output file among the listed <c>batch_output</c> files. The output lines by <c>custom_id</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, JsonElement> AssertEveryLineAnsweredOnce(Run run, IReadOnlyCollection<string> customIds)
    {
        Assert.StartsWith("file-", run.File.GetProperty("id").GetString());
        Assert.Equal(("file", "batch"), (run.File.GetProperty("object").GetString(), run.File.GetProperty("purpose").GetString()));
        Assert.Equal(run.InputBytes, run.File.GetProperty("bytes").GetInt64());
        Assert.StartsWith("batch_", run.Created.GetProperty("id").GetString());
        Assert.Equal("node", run.Created.GetProperty("metadata").GetProperty("client").GetString());
        var batch = run.Batch;
        Assert.True(batch.GetProperty("status").GetString() == "completed", $"{batch}");
        var counts = batch.GetProperty("request_counts");
        Assert.Equal((customIds.Count, customIds.Count, 0), (counts.GetProperty("total").GetInt32(), counts.GetProperty("completed").GetInt32(), counts.GetProperty("failed").GetInt32()));
        Assert.Equal(JsonValueKind.Null, batch.GetProperty("error_file_id").ValueKind);
        Assert.Empty(run.Errors);
        var ids = run.Output.Select(line => line.GetProperty("custom_id").GetString()!).ToList();
        var repeated = ids.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
        Assert.True(repeated.Count == 0, $"Output lines more than once: {string.Join(", ", repeated)}");
        Assert.Equal(customIds.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        Assert.All(run.Output, line =>
        {
            Assert.Equal(200, line.GetProperty("response").GetProperty("status_code").GetInt32());
            Assert.Equal(JsonValueKind.Null, line.GetProperty("error").ValueKind);
        });
        Assert.Contains(batch.GetProperty("output_file_id").GetString(), run.Listed);
        return run.Output.ToDictionary(line => line.GetProperty("custom_id").GetString()!);
    }

    private static string Script()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var script = Path.Combine(directory.FullName, "scripts", "openai-batch-client.js");
            if (System.IO.File.Exists(script))
            {
                return script;
            }
        }

        throw new Xunit.Sdk.XunitException("scripts/openai-batch-client.js not found above " + AppContext.BaseDirectory);
    }
}
