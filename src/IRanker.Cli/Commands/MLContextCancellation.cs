using System.Reflection;
using Microsoft.ML;

namespace IRanker.Cli.Commands;

/// <summary>
/// Stops an ML.NET <c>Fit</c> when the user presses Ctrl+C: calls <c>MLContext.CancelExecution()</c>, which ML.NET keeps
/// for its own assemblies, so applications call it through reflection (docs/mlnet.md). The trainer stops between steps;
/// the checkpoints written before stay in the checkpoint folder.
/// </summary>
internal static class MLContextCancellation
{
    private static readonly MethodInfo? Cancel =
        typeof(MLContext).GetMethod("CancelExecution", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes);

    /// <summary>Cancels <paramref name="mlContext"/>'s work when <paramref name="token"/> is cancelled.</summary>
    public static CancellationTokenRegistration Link(MLContext mlContext, CancellationToken token)
    {
        if (Cancel is null) throw new MissingMethodException(nameof(MLContext), "CancelExecution");
        return token.Register(() => Cancel.Invoke(mlContext, null));
    }
}
