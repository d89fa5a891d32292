using System.Collections.Concurrent;

namespace IRanker.Server.Hosting;

/// <summary>
/// The one thread that loads the model and runs every engine call, one at a time.
/// </summary>
/// <remarks>
/// glibc's malloc gives each thread an arena of its own and keeps the memory freed in an arena for that arena's
/// reuse. Engine calls on thread-pool threads (a different one from round to round) left a round's peak of
/// activations in up to 8 arenas per core, so the server's resident memory grew in steps to several times one round's
/// peak (docs/benchmarks.md, "Rerank server under sustained load"). On one thread, every round reuses the memory of the
/// rounds before it.
/// </remarks>
internal sealed class ModelThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread _thread;

    public ModelThread()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "IRanker model" };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> on the model thread after the work queued before it.</summary>
    /// <exception cref="ObjectDisposedException">The thread was stopped.</exception>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (OperationCanceledException e)
            {
                done.SetCanceled(e.CancellationToken);
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task;
    }

    private void Run()
    {
        foreach (var work in _work.GetConsumingEnumerable()) work();
    }

    /// <summary>Lets the work queued so far finish (for at most 10 s), then ends the thread.</summary>
    public void Dispose()
    {
        _work.CompleteAdding();
        if (_thread.Join(TimeSpan.FromSeconds(10))) _work.Dispose();
    }
}
