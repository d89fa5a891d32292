namespace IRanker.Model.Tests;

/// <summary>
/// Tests that observe Torch's global random generator: they run alone, since other tests seed and draw from it in
/// parallel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalRandomState
{
    public const string Name = "Global random state";
}
