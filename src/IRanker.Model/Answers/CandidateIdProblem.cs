namespace IRanker.Model.Answers;

/// <summary>A candidate ID that breaks <see cref="CandidateIdValidation"/>'s rule.</summary>
/// <param name="Index">The candidate's index in its list (0-based).</param>
/// <param name="FirstIndex">For a repeated ID, the index of the candidate that has it first; null when the ID is empty.</param>
/// <param name="Id">The ID as given.</param>
internal sealed record CandidateIdProblem(int Index, int? FirstIndex, string Id)
{
    /// <summary>Whether the ID is empty or white space (otherwise it is repeated).</summary>
    public bool IsEmpty => FirstIndex is null;

    /// <summary>What is wrong and what to do, naming the candidates by <paramref name="label"/> and index.</summary>
    public string Describe(string label) => IsEmpty
        ? $"{label}{Index} has the empty candidate ID '{Id}'. Every candidate needs a non-empty ID (the model answers with it)."
        : $"{label}{FirstIndex} and {label}{Index} have the same candidate ID '{Id.Trim()}'. IDs must be unique within a list " +
          "(compared after trimming white space), since the model answers with them.";
}
