namespace OrleansGateway.Tests.Batch;

/// <summary>
/// A bad <c>batch_metadata</c> is a 400 before anything is recorded, and a bad record stored by older
/// code (a lone surrogate in its metadata) breaks neither that job's reads and cancel nor the list.
/// </summary>
public sealed class BatchHostileInputTests(BatchGatewayFixture fixture) : IClassFixture<BatchGatewayFixture>
{
    private const string Model = "fake/fake-model";

    [Fact]
    public async Task Submit_LoneSurrogateInBatchMetadata_Answers400AndRecordsNothing()
    {
        var before = await fixture.GetJsonAsync("/v1/batch?limit=100");
        var callsBefore = fixture.Provider.TotalCount;

        var response = await fixture.App.PostJsonAsync(
            "/v1/batch/generate",
            """{"model":"fake/fake-model","tasks":[{"id":"a","prompt":"p"}],"batch_metadata":{"k":"\ud800"}}""");
        var json = await GatewayApplication.ReadJsonAsync(response);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {json}");
        Assert.Equal("batch_metadata.k", json.GetProperty("error").GetProperty("param").GetString());
        var after = await fixture.GetJsonAsync("/v1/batch?limit=100");
        Assert.Equal(before.GetProperty("data").GetArrayLength(), after.GetProperty("data").GetArrayLength());
        Assert.Equal(callsBefore, fixture.Provider.TotalCount);
    }

    [Fact]
    public async Task StoredRecordWithUnwritableMetadata_JobListAndOtherJobsStillRead()
    {
        // Several good jobs with large metadata first, so the bad one sits past the first few KB of the list.
        var padding = new string('x', 2000);
        var good = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var submitted = await fixture.SubmitAsync(new { model = Model, tasks = new[] { new { id = $"g{i}", prompt = "p" } }, batch_metadata = new { pad = padding, n = i } });
            good.Add(submitted.GetProperty("job_id").GetString()!);
        }

        // As older code stored it: the raw text of {"k":"\ud800"} passed validation and was recorded.
        var badId = "batch_bad_" + Guid.NewGuid().ToString("N");
        var grains = fixture.App.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<IBatchJobGrain>(badId).SubmitAsync(
            new BatchJobSpec(Model, [new BatchTask("0", [new ChatMessage("user", "hello")])]) { MetadataJson = """{"k":"\ud800"}""" });
        var newer = await fixture.SubmitAsync(new { model = Model, tasks = new[] { new { id = "n", prompt = "p" } }, batch_metadata = new { pad = padding } });

        var list = await fixture.GetJsonAsync("/v1/batch?limit=100");
        var ids = list.GetProperty("data").EnumerateArray().Select(j => j.GetProperty("job_id").GetString()).ToList();
        Assert.Contains(badId, ids);
        Assert.Contains(newer.GetProperty("job_id").GetString(), ids);
        Assert.All(good, id => Assert.Contains(id, ids));
        var listedBad = list.GetProperty("data").EnumerateArray().Single(j => j.GetProperty("job_id").GetString() == badId);
        Assert.Equal(JsonValueKind.Null, listedBad.GetProperty("batch_metadata").ValueKind);

        var bad = await fixture.GetJsonAsync($"/v1/batch/{badId}");
        Assert.Equal(badId, bad.GetProperty("job_id").GetString());
        var other = await fixture.GetJsonAsync($"/v1/batch/{good[0]}");
        Assert.Equal(padding, other.GetProperty("batch_metadata").GetProperty("pad").GetString());

        var cancel = await fixture.App.CreateClient().PostAsync($"/v1/batch/{badId}/cancel", content: null);
        var cancelText = await cancel.Content.ReadAsStringAsync();
        Assert.True(cancel.StatusCode == HttpStatusCode.OK, $"{(int)cancel.StatusCode} {cancelText}");
        using var _ = JsonDocument.Parse(cancelText);
    }
}
