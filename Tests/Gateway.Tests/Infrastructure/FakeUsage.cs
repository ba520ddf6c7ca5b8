namespace OrleansGateway.Tests.Infrastructure;

/// <summary>The usage the fake provider reports: words of the prompt messages plus 3, and words of the answer.</summary>
public static class FakeUsage
{
    public static (int Prompt, int Completion, int Total) Of(FakeRequest request, string answer)
    {
        var prompt = request.Messages.Sum(m => Words(m.Content)) + 3;
        var completion = Words(answer);
        return (prompt, completion, prompt + completion);
    }

    private static int Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
}
