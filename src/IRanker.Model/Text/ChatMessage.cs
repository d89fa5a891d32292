namespace IRanker.Model.Text;

/// <summary>One turn of a chat: a role (<c>system</c>, <c>user</c>, <c>assistant</c>) and its text.</summary>
/// <param name="Role">The speaker: <see cref="ChatTemplate.System"/>, <see cref="ChatTemplate.User"/> or <see cref="ChatTemplate.Assistant"/>.</param>
/// <param name="Content">The text of the turn.</param>
/// <example><code>var message = new ChatMessage(ChatTemplate.User, "Which passage answers the query?");</code></example>
internal sealed record ChatMessage(string Role, string Content);
