using static TorchSharp.torch;

namespace IRanker.Model.Step;

/// <summary>One row's generated answer: its token ids (stop tokens left out), their text, and the stop token that ended it, if one did.</summary>
internal sealed record GeneratedAnswer(int[] TokenIds, string Text, int? StopTokenId = null);
