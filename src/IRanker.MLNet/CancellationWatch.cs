using IRanker.MLNet.Persistence;
using Microsoft.ML.Runtime;

namespace IRanker.MLNet;

/// <summary>
/// Turns <c>MLContext.CancelExecution()</c>, which ML.NET only exposes as a flag on its hosts, into a
/// <see cref="CancellationToken"/> that long-running engine calls can observe, by polling the flag.
/// </summary>
internal sealed class CancellationWatch : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);
    private readonly IHost _host;
    private readonly CancellationTokenSource _source = new();
    private readonly Timer _timer;

    public CancellationWatch(IHost host)
    {
        _host = host;
        _timer = new Timer(_ => Poll(), null, TimeSpan.Zero, Interval);
    }

    /// <summary>Cancelled soon after the ML.NET environment is.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Throws <see cref="OperationCanceledException"/> when the ML.NET environment was cancelled.</summary>
    public void ThrowIfCanceled()
    {
        Poll();
        if (_source.IsCancellationRequested) throw new OperationCanceledException("Operation was canceled.", _source.Token);
    }

    private void Poll()
    {
        if (!_source.IsCancellationRequested && MLNetInternals.IsCanceled(_host)) _source.Cancel();
    }

    public void Dispose()
    {
        _timer.Dispose();
        _source.Dispose();
    }
}
