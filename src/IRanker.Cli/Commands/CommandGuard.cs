using IRanker.Cli.Data;
using IRanker.MLNet;
using IRanker.Model.Prompts;

namespace IRanker.Cli.Commands;

/// <summary>Runs a verb and turns what it throws into a message on standard error and an exit code (<see cref="ExitCodes"/>).</summary>
internal static class CommandGuard
{
    public static async Task<int> RunAsync(string verb, CliIO io, CancellationToken cancellationToken, Func<Task<int>> run)
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            io.Error.WriteLine($"iranker {verb}: stopped (Ctrl+C); what was written before is kept.");
            return ExitCodes.Cancelled;
        }
        catch (CliException e)
        {
            io.Error.WriteLine($"iranker {verb}: {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e) when (e.GetBaseException() is ModelIntegrityException damaged)
        {
            io.Error.WriteLine($"iranker {verb}: the model is damaged: {damaged.Message}");
            return ExitCodes.BadModel;
        }
        catch (PromptTooLongException e)
        {
            io.Error.WriteLine($"iranker {verb}: a list is too long for the model: {e.Message}");
            return ExitCodes.BadData;
        }
        catch (Exception e)
        {
            io.Error.WriteLine($"iranker {verb}: failed: {e.GetBaseException().Message}");
            io.Error.WriteLine(e.ToString());
            return ExitCodes.Failure;
        }
    }

    /// <summary>Wraps a data file's problem found by the library (a row the trainer rejects) with the file's name.</summary>
    public static DataFileException InFile(string file, InvalidOperationException e) => new(file, null, null, e.Message, e);
}
