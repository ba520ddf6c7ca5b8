using Microsoft.Extensions.Options;

namespace OrleansGateway.Tests.Infrastructure;

/// <summary>Why a test gateway did not start: the options validation that stopped it.</summary>
public static class StartFailure
{
    /// <summary>Starts <paramref name="app"/>, which must fail, and returns the <see cref="OptionsValidationException"/> it failed with.</summary>
    public static OptionsValidationException ValidationOf(GatewayApplication app)
    {
        var exception = Assert.ThrowsAny<Exception>(() => app.Server);
        var validation = FindValidation(exception);
        Assert.True(validation is not null, $"Expected an OptionsValidationException, got {exception}");
        return validation;
    }

    /// <summary>The <see cref="OptionsValidationException"/> in <paramref name="exception"/> or what it wraps, or null.</summary>
    public static OptionsValidationException? FindValidation(Exception? exception)
    {
        while (exception is not null)
        {
            if (exception is OptionsValidationException validation)
            {
                return validation;
            }

            if (exception is AggregateException aggregate && aggregate.InnerExceptions.Select(FindValidation).FirstOrDefault(e => e is not null) is { } inner)
            {
                return inner;
            }

            exception = exception.InnerException;
        }

        return null;
    }
}
