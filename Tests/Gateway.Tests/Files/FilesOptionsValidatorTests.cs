using OrleansGateway.Frontend.OpenAi.Files;

namespace OrleansGateway.Tests.Files;

public sealed class FilesOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_SucceedAndMatchOpenAi()
    {
        var options = new FilesOptions();
        var result = new FilesOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, $"the defaults must be valid: {result.FailureMessage}");
        Assert.Equal(200_000_000, options.MaxUploadBytes);
        Assert.Equal(50_000, options.MaxBatchInputLines);
    }

    [Fact]
    public void Validate_BothBad_ReportsEachByName()
    {
        var result = new FilesOptionsValidator().Validate(null, new FilesOptions { MaxUploadBytes = 0, MaxBatchInputLines = -1 });

        Assert.True(result.Failed, "invalid settings must fail validation");
        Assert.Contains("Gateway:Files:MaxUploadBytes", result.FailureMessage);
        Assert.Contains("Gateway:Files:MaxBatchInputLines", result.FailureMessage);
    }
}
