using IRanker.Cli.Tests.Support;

namespace IRanker.Cli.Tests;

/// <summary>Ctrl+C stops training between steps with exit code 130 and keeps the checkpoints; the same command resumes.</summary>
public class CancellationTests
{
    /// <summary>Cancels when a line containing <paramref name="trigger"/> is written.</summary>
    private sealed class CancelOnLine(string trigger, CancellationTokenSource source) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value?.Contains(trigger, StringComparison.Ordinal) == true) source.Cancel();
        }
    }

    // Cancellation reaches the trainer through ML.NET's cancel flag, which is polled every 50 ms (CancellationWatch):
    // 60 short steps leave the poll a second or more to see it on a busy machine, where 6 steps of 20 ms did not always.
    [Fact]
    public async Task Training_stopped_keeps_its_checkpoint_and_the_same_command_resumes()
    {
        using var folder = new TempFolder();
        string train = TestLists.Write(folder.File("train.tsv"), TestLists.Rows(6));
        string checkpoints = folder.File("checkpoints"), zip = folder.File("model.zip");
        string[] args = ["train", "--train", train, "--output", zip, "--from-scratch", "--model-size", "Tiny", "--warm-start-steps", "60", "--rl-steps", "0",
            "--checkpoint-dir", checkpoints, "--checkpoint-every", "1", "--set", "Training.WarmStartBatchSize=2"];

        using var stop = new CancellationTokenSource();
        var stopped = await Command.RunAsync(args, stop.Token, new CancelOnLine("WarmStart step 1/60", stop));
        stopped.ExitCode.Should().Be(ExitCodes.Cancelled, stopped.ToString());
        stopped.Error.Should().Contain($"the checkpoints in {checkpoints} are kept");
        File.Exists(zip).Should().BeFalse();
        var kept = Directory.GetDirectories(checkpoints);
        kept.Should().NotBeEmpty();

        var resumed = await Command.RunAsync(args, CancellationToken.None);
        resumed.ExitCode.Should().Be(0, resumed.ToString());
        resumed.Out.Should().NotContain("WarmStart step 1/60", "training resumed after the kept checkpoint").And.Contain("WarmStart step 60/60");
        File.Exists(zip).Should().BeTrue();
    }
}
