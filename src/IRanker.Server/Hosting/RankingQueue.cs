using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace IRanker.Server.Hosting;

/// <summary>
/// The queue between the endpoints and the <see cref="RankingWorker"/>, bounded twice: by the requests waiting
/// (<see cref="ServerOptions.QueueCapacity"/>) and by the bytes of text they hold together
/// (<see cref="ServerOptions.QueueBytes"/>, each job's <see cref="RankingJob.TextBytes"/>). A job enters when both
/// bounds allow it, or when the queue is empty, so that a request larger than the byte bound still runs (alone).
/// </summary>
/// <remarks>
/// A job leaves only through <see cref="TryTake"/>, which takes it from the channel and gives back its place and its
/// bytes in one step under the same lock as <see cref="TryAdd"/>: every way a job leaves (taken into a round, dropped
/// because its client left, cancelled when the server stops) goes through it, and a channel hands each job out once,
/// so each job's bytes are given back exactly once and the counts never drift from the channel's contents.
/// </remarks>
internal sealed class RankingQueue
{
    private readonly Channel<RankingJob> _jobs = Channel.CreateUnbounded<RankingJob>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private int _count;
    private long _bytes;
    private bool _closed;

    public RankingQueue(int capacity, long byteLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(byteLimit, 1);
        Capacity = capacity;
        ByteLimit = byteLimit;
    }

    /// <summary>The most jobs that may wait (<see cref="ServerOptions.QueueCapacity"/>).</summary>
    public int Capacity { get; }

    /// <summary>The most bytes of text the waiting jobs may hold (<see cref="ServerOptions.QueueBytes"/>).</summary>
    public long ByteLimit { get; }

    /// <summary>Jobs waiting now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Bytes of text the waiting jobs hold now (<see cref="RankingJob.TextBytes"/>).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>
    /// Queues <paramref name="job"/> when both bounds allow it or the queue is empty: <see cref="Admission.Queued"/>;
    /// otherwise the bound it would pass (<see cref="Admission.QueueFull"/> before <see cref="Admission.QueueBytesFull"/>),
    /// or <see cref="Admission.Stopping"/> once <see cref="Complete"/> was called.
    /// </summary>
    public Admission TryAdd(RankingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        lock (_gate)
        {
            if (_closed) return Admission.Stopping;
            if (_count > 0)
            {
                if (_count >= Capacity) return Admission.QueueFull;
                if (_bytes + job.TextBytes > ByteLimit) return Admission.QueueBytesFull;
            }
            if (!_jobs.Writer.TryWrite(job)) return Admission.Stopping;   // not reached: the channel is unbounded and open
            Interlocked.Increment(ref _count);
            Interlocked.Add(ref _bytes, job.TextBytes);
            return Admission.Queued;
        }
    }

    /// <summary>The next job, left in the queue.</summary>
    public bool TryPeek([MaybeNullWhen(false)] out RankingJob job) => _jobs.Reader.TryPeek(out job);

    /// <summary>Takes the next job out of the queue and gives back its place and its bytes: the one way a job leaves.</summary>
    public bool TryTake([MaybeNullWhen(false)] out RankingJob job)
    {
        lock (_gate)
        {
            if (!_jobs.Reader.TryRead(out job)) return false;
            Interlocked.Decrement(ref _count);
            Interlocked.Add(ref _bytes, -job.TextBytes);
            return true;
        }
    }

    /// <summary>True when a job is waiting (or arrives); false once the queue is completed and empty.</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _jobs.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Takes no more jobs; those waiting stay until taken.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _closed = true;
            _jobs.Writer.TryComplete();
        }
    }
}
