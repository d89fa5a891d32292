namespace IRanker.Cli.Tests.Support;

/// <summary>A tiny model trained once by <c>iranker train</c> for the tests of the other verbs, with its data.</summary>
public sealed class TrainedModel : IDisposable
{
    private readonly TempFolder _folder = new("iranker-cli-model-");

    public TrainedModel()
    {
        Train = TestLists.Write(_folder.File("train.tsv"), TestLists.Rows(8, task: "Passage-4"));
        Test = TestLists.Write(_folder.File("test.tsv"), TestLists.Rows(4, firstTopic: 8, task: "Passage-4"));
        Zip = _folder.File("model.zip");
        Result = Command.Run("train", "--train", Train, "--output", Zip, "--from-scratch", "--model-size", "Tiny",
            "--warm-start-steps", "2", "--rl-steps", "1", "--set", "Training.GroupSize=2", "--set", "Training.PromptsPerStep=2", "--seed", "3");
    }

    public string Train { get; }

    public string Test { get; }

    public string Zip { get; }

    /// <summary>What training printed.</summary>
    internal Command.Result Result { get; }

    public string File(string name) => _folder.File(name);

    public void Dispose() => _folder.Dispose();
}
