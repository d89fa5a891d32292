using System.Text;

namespace IRanker.Model.Text;

/// <summary>
/// The ChatML format of Qwen models: each turn is <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c>; a generation
/// prompt opens the assistant turn (<c>&lt;|im_start|&gt;assistant\n</c>) and may already hold the start of its answer.
/// </summary>
/// <remarks>
/// The format is written out here rather than read from the Jinja <c>chat_template</c> of <c>tokenizer_config.json</c>:
/// the ranking prompts only need plain system/user/assistant turns, and Qwen2, Qwen2.5 and Qwen3 agree on them.
/// (Qwen3's template also rewrites <c>&lt;think&gt;</c> blocks of earlier assistant turns; a ranking prompt has none.)
/// </remarks>
/// <example>
/// <code>
/// string prompt = ChatTemplate.Format(
///     [new(ChatTemplate.System, "You are a helpful assistant."), new(ChatTemplate.User, "Rank these.")],
///     addGenerationPrompt: true, assistantPrefix: "&lt;answer&gt;");
/// // "&lt;|im_start|&gt;system\nYou are a helpful assistant.&lt;|im_end|&gt;\n&lt;|im_start|&gt;user\nRank these.&lt;|im_end|&gt;\n&lt;|im_start|&gt;assistant\n&lt;answer&gt;"
/// </code>
/// </example>
internal static class ChatTemplate
{
    /// <summary>The token that opens a turn.</summary>
    public const string StartOfTurn = "<|im_start|>";

    /// <summary>The token that closes a turn; generation stops on it.</summary>
    public const string EndOfTurn = "<|im_end|>";

    /// <summary>The end-of-text token (Qwen's padding token).</summary>
    public const string EndOfText = "<|endoftext|>";

    /// <summary>The system role.</summary>
    public const string System = "system";

    /// <summary>The user role.</summary>
    public const string User = "user";

    /// <summary>The assistant role.</summary>
    public const string Assistant = "assistant";

    /// <summary>Writes <paramref name="messages"/> in ChatML.</summary>
    /// <param name="messages">The turns, in order.</param>
    /// <param name="addGenerationPrompt">Whether to open an assistant turn for the model to continue.</param>
    /// <param name="assistantPrefix">Text that the opened assistant turn already starts with (needs <paramref name="addGenerationPrompt"/>).</param>
    public static string Format(IEnumerable<ChatMessage> messages, bool addGenerationPrompt = true, string assistantPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(assistantPrefix);
        if (!addGenerationPrompt && assistantPrefix.Length > 0)
            throw new ArgumentException("An assistant prefix needs an open assistant turn: pass addGenerationPrompt: true.", nameof(assistantPrefix));

        var text = new StringBuilder();
        foreach (var message in messages) AppendTurn(text, message);
        if (addGenerationPrompt) text.Append(OpenTurn(Assistant)).Append(assistantPrefix);
        return text.ToString();
    }

    /// <summary>One complete turn: <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c>.</summary>
    public static string Turn(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrWhiteSpace(message.Role, nameof(message));
        return OpenTurn(message.Role) + message.Content + EndOfTurn + "\n";
    }

    /// <summary>The opening of a turn: <c>&lt;|im_start|&gt;role\n</c>.</summary>
    public static string OpenTurn(string role)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        return StartOfTurn + role + "\n";
    }

    private static void AppendTurn(StringBuilder text, ChatMessage message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(message.Role, nameof(message));
        text.Append(OpenTurn(message.Role)).Append(message.Content).Append(EndOfTurn).Append('\n');
    }
}
