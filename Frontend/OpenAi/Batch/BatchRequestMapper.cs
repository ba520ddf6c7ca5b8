using System.Collections.Immutable;
using System.Globalization;
using OrleansGateway.Batch;

namespace OrleansGateway.Frontend.OpenAi.Batch;

/// <summary>
/// Validates a batch request and turns it into a <see cref="BatchJobSpec"/>. Every error (but an unknown provider, a 404) is a 400
/// whose message names the field, and for a task its index (<c>tasks[17].prompt is empty</c>).
/// </summary>
public static class BatchRequestMapper
{
    private static readonly HashSet<string> s_roles = ["system", "user", "assistant", "developer"];

    public static (BatchJobSpec? Spec, GatewayError? Error) ToSpec(BatchGenerateRequest body, ModelResolver models, BatchOptions options)
    {
        if (models.Validate(body.Model) is { } modelError)
        {
            // As on /v1/chat/completions: a malformed model is a 400, an unknown provider a 404 model_not_found.
            return (null, modelError);
        }

        if (CheckParameters("", body.MaxTokens, body.Temperature) is { } parameterError)
        {
            return (null, parameterError);
        }

        if (body.TopP is { } topP && (topP < 0 || topP > 1 || double.IsNaN(topP)))
        {
            return Fail($"Invalid 'top_p' {topP}: must be between 0 and 1.", "top_p");
        }

        if (!TryReadMetadata(body.BatchMetadata, options.MaxMetadataBytes, out var metadataJson, out var metadataError))
        {
            return (null, metadataError);
        }

        var tasks = body.Tasks;
        if (tasks is null)
        {
            return Fail("Missing required field 'tasks': an array of tasks, each {\"id\", \"messages\"} or {\"id\", \"prompt\"}.", "tasks");
        }

        if (tasks.Count == 0)
        {
            return Fail("'tasks' is empty: a batch job needs at least one task.", "tasks");
        }

        if (tasks.Count > options.MaxTasksPerJob)
        {
            return Fail($"Too many tasks: {tasks.Count} given, at most {options.MaxTasksPerJob} per job (tasks[{options.MaxTasksPerJob}] is the first over the limit).", "tasks");
        }

        var seen = new Dictionary<string, int>(tasks.Count, StringComparer.Ordinal);
        var specs = ImmutableArray.CreateBuilder<BatchTask>(tasks.Count);
        for (var i = 0; i < tasks.Count; i++)
        {
            var (task, error) = ToTask(tasks[i], i);
            if (task is null)
            {
                return (null, error);
            }

            if (!seen.TryAdd(task.Id, i))
            {
                return Fail($"tasks[{i}].id '{task.Id}' duplicates tasks[{seen[task.Id]}].id: task ids must be unique within a job.", $"tasks[{i}].id");
            }

            specs.Add(task);
        }

        var spec = new BatchJobSpec(body.Model!.Trim(), specs.MoveToImmutable())
        {
            MaxTokens = body.MaxTokens,
            Temperature = body.Temperature is { } t ? (float)t : null,
            TopP = body.TopP is { } p ? (float)p : null,
            MetadataJson = metadataJson,
        };
        return (spec, null);
    }

    private static (BatchTask? Task, GatewayError? Error) ToTask(BatchTaskRequest? task, int i)
    {
        var at = $"tasks[{i}]";
        if (task is null)
        {
            return TaskFail($"{at} must be an object with 'messages' or 'prompt'.", at);
        }

        if (!TryReadId(task.Id, i, out var id))
        {
            return TaskFail($"{at}.id must be a non-empty string or a number.", $"{at}.id");
        }

        if (CheckParameters(at + ".", task.MaxTokens, task.Temperature) is { } parameterError)
        {
            return (null, parameterError);
        }

        ImmutableArray<ChatMessage> messages;
        if (task.Messages is not null && task.Prompt is not null)
        {
            return TaskFail($"{at} has both 'messages' and 'prompt': give one of them.", at);
        }
        else if (task.Prompt is not null)
        {
            if (string.IsNullOrWhiteSpace(task.Prompt))
            {
                return TaskFail($"{at}.prompt is empty.", $"{at}.prompt");
            }

            messages = [new ChatMessage("user", task.Prompt)];
        }
        else if (task.Messages is not null)
        {
            if (task.Messages.Count == 0)
            {
                return TaskFail($"{at}.messages is empty: give at least one message.", $"{at}.messages");
            }

            var builder = ImmutableArray.CreateBuilder<ChatMessage>(task.Messages.Count);
            for (var j = 0; j < task.Messages.Count; j++)
            {
                var message = task.Messages[j];
                var where = $"{at}.messages[{j}]";
                if (message is null)
                {
                    return TaskFail($"{where} must be an object with 'role' and 'content'.", where);
                }

                if (message.Role is null || !s_roles.Contains(message.Role))
                {
                    return TaskFail($"{where}.role must be one of system, user, assistant, developer (was '{message.Role}').", $"{where}.role");
                }

                if (!ChatCompletionMapper.TryReadContent(message.Content, out var content))
                {
                    return TaskFail($"{where}.content must be a string or an array of text parts.", $"{where}.content");
                }

                if (string.IsNullOrWhiteSpace(content))
                {
                    return TaskFail($"{where}.content is empty.", $"{where}.content");
                }

                builder.Add(new ChatMessage(message.Role, content));
            }

            messages = builder.MoveToImmutable();
        }
        else
        {
            return TaskFail($"{at} has neither 'messages' nor 'prompt': a task needs one of them.", at);
        }

        return (new BatchTask(id, messages)
        {
            MaxTokens = task.MaxTokens,
            Temperature = task.Temperature is { } t ? (float)t : null,
        }, null);
    }

    private static GatewayError? CheckParameters(string prefix, int? maxTokens, double? temperature)
    {
        if (maxTokens is < 1)
        {
            return GatewayError.Invalid($"Invalid '{prefix}max_tokens' {maxTokens}: must be at least 1.", prefix + "max_tokens");
        }

        if (temperature is { } value && (value < 0 || value > 2 || double.IsNaN(value)))
        {
            return GatewayError.Invalid($"Invalid '{prefix}temperature' {value.ToString(CultureInfo.InvariantCulture)}: must be between 0 and 2.", prefix + "temperature");
        }

        return null;
    }

    private static bool TryReadId(JsonElement? element, int index, out string id)
    {
        switch (element?.ValueKind)
        {
            case null or JsonValueKind.Null:
                id = index.ToString(CultureInfo.InvariantCulture);
                return true;
            case JsonValueKind.String:
                id = element.Value.GetString()!;
                return id.Length > 0;
            case JsonValueKind.Number:
                id = element.Value.GetRawText();
                return true;
            default:
                id = string.Empty;
                return false;
        }
    }

    private static bool TryReadMetadata(JsonElement? element, int maxBytes, out string? json, out GatewayError? error)
    {
        json = null;
        error = null;
        if (element is null || element.Value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.Value.ValueKind != JsonValueKind.Object)
        {
            error = GatewayError.Invalid("'batch_metadata' must be a JSON object.", "batch_metadata");
            return false;
        }

        json = element.Value.GetRawText();
        if (json.Length > maxBytes)
        {
            error = GatewayError.Invalid($"'batch_metadata' is {json.Length} bytes of JSON; at most {maxBytes} are allowed.", "batch_metadata");
            return false;
        }

        return true;
    }

    private static (BatchJobSpec?, GatewayError?) Fail(string message, string param) => (null, GatewayError.Invalid(message, param));

    private static (BatchTask?, GatewayError?) TaskFail(string message, string param) => (null, GatewayError.Invalid(message, param));
}
