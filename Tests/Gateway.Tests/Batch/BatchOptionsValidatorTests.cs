namespace OrleansGateway.Tests.Batch;

public sealed class BatchOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = new BatchOptionsValidator().Validate(null, new BatchOptions());

        Assert.True(result.Succeeded, $"the defaults must be valid: {result.FailureMessage}");
    }

    [Fact]
    public void Validate_SeveralBadSettings_ReportsEachByName()
    {
        var options = new BatchOptions
        {
            MaxTasksPerJob = 0,
            TasksPerGrain = 0,
            MaxInFlightPerJob = -1,
            ResultWriteDelay = TimeSpan.FromSeconds(-1),
            ResumeReminderPeriod = TimeSpan.Zero,
            MaxListedJobs = 20_000,
        };

        var result = new BatchOptionsValidator().Validate(null, options);

        Assert.True(result.Failed, "invalid settings must fail validation");
        var failures = result.Failures!.ToList();
        Assert.Equal(6, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Gateway:Batch:MaxTasksPerJob", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:Batch:TasksPerGrain", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:Batch:MaxInFlightPerJob", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:Batch:ResultWriteDelay", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:Batch:ResumeReminderPeriod", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:Batch:MaxListedJobs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, 64, 128)]
    [InlineData(null, 1, 2)]
    [InlineData(10, 64, 10)]
    public void InFlightFor_ProviderConcurrency_TwiceUnlessSet(int? configured, int providerConcurrency, int expected)
    {
        var options = new BatchOptions { MaxInFlightPerJob = configured };

        Assert.Equal(expected, options.InFlightFor(providerConcurrency));
    }
}
