using IRanker.Model.Answers;

namespace IRanker.Model;

/// <summary>
/// What a <see cref="DecodingMode"/> means to each layer, in one place: how a step's prompt ends, what the model writes,
/// how many tokens it may write and what the supervised answer looks like.
/// </summary>
internal static class DecodingModes
{
    /// <summary>The text the assistant's turn starts with in a step prompt of <paramref name="mode"/>.</summary>
    public static string AssistantPrefix(DecodingMode mode) => mode == DecodingMode.Reasoning ? ReasoningPrefix : AnswerTags.AnswerOpen;

    /// <summary>The assistant prefix of the Reasoning mode: the paper's.</summary>
    public const string ReasoningPrefix = "Let me solve this step by step.\n" + AnswerTags.ThinkOpen;

    /// <summary>
    /// The tag that a step prompt of <paramref name="mode"/> has already opened when the model starts writing: what the
    /// answer parser and the format rewards put in front of the model's text.
    /// </summary>
    public static string OpenedTag(DecodingMode mode) => mode == DecodingMode.Reasoning ? AnswerTags.ThinkOpen : AnswerTags.AnswerOpen;

    /// <summary>Whether the model writes text in <paramref name="mode"/> (Answer, Reasoning) rather than having the IDs scored (Choice).</summary>
    public static bool GeneratesText(DecodingMode mode) => mode != DecodingMode.Choice;

    /// <summary>The model's whole answer as the parser and the rewards read it: the opened tag, then what it wrote.</summary>
    public static string AnswerText(DecodingMode mode, string generated) => OpenedTag(mode) + generated;

    /// <summary>
    /// What the model should write to eliminate the candidate <paramref name="id"/> in <paramref name="mode"/>, after the
    /// tag the prompt opened: <c>ID&lt;/answer&gt;</c>, or <c>&lt;/think&gt;\n&lt;answer&gt;ID&lt;/answer&gt;</c> with an empty
    /// reasoning. The same text is the Choice mode's continuation of a candidate.
    /// </summary>
    public static string Answer(DecodingMode mode, string id) => mode == DecodingMode.Reasoning
        ? $"{AnswerTags.ThinkClose}\n{AnswerTags.AnswerOpen}{id}{AnswerTags.AnswerClose}"
        : id + AnswerTags.AnswerClose;
}
