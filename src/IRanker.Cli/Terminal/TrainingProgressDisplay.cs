using System.Globalization;
using IRanker.Cli.Commands;
using IRanker.Model.Training;
using Spectre.Console;

namespace IRanker.Cli.Terminal;

/// <summary>
/// Shows training: on a terminal a Spectre progress bar per phase (warm start, reinforcement learning); elsewhere (a
/// log, a pipe) one line at the first and last step of each phase and every tenth of it.
/// </summary>
internal sealed class TrainingProgressDisplay(CliIO io) : IProgress<TrainingStepMetrics>
{
    private readonly Dictionary<TrainingPhase, ProgressTask> _tasks = [];
    private ProgressContext? _context;

    /// <summary>Runs <paramref name="work"/> with the progress shown.</summary>
    public T Run<T>(Func<T> work)
    {
        if (!io.Interactive) return work();
        return io.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                _context = context;
                return work();
            });
    }

    public void Report(TrainingStepMetrics m)
    {
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"{m.Phase} step {m.Step}/{m.TotalSteps}: loss {m.Loss:F4}, reward {m.Reward:F3}, elimination accuracy {m.EliminationAccuracy:P0}, {m.SecondsPerStep:F2} s/step");
        if (_context is null)
        {
            int tenth = Math.Max(1, m.TotalSteps / 10);
            if (m.Step == 1 || m.Step == m.TotalSteps || m.Step % tenth == 0) io.Info(summary);
            return;
        }
        if (!_tasks.TryGetValue(m.Phase, out var task))
            _tasks[m.Phase] = task = _context.AddTask(m.Phase.ToString(), maxValue: m.TotalSteps);
        task.Value = m.Step;
        task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{m.Phase}: loss {m.Loss:F3}, accuracy {m.EliminationAccuracy:P0}"));
    }
}
