namespace IRanker.Server.Tests.Support;

/// <summary>Waits, by polling <c>/metrics</c>, until the server shows a line: the tests' way to know where a request stands.</summary>
internal static class MetricsWait
{
    /// <summary>Until the queue holds <paramref name="depth"/> requests.</summary>
    public static Task QueueAsync(HttpClient client, int depth) => LineAsync(client, $"iranker_queue_depth {depth}\n");

    /// <summary>Until the queued requests hold <paramref name="bytes"/> bytes of text.</summary>
    public static Task QueueBytesAsync(HttpClient client, long bytes) => LineAsync(client, $"\niranker_queue_bytes {bytes}\n");

    /// <summary>Until <c>/metrics</c> contains <paramref name="line"/> (for 10 s at most).</summary>
    /// <exception cref="TimeoutException">It never did.</exception>
    public static async Task LineAsync(HttpClient client, string line)
    {
        for (int i = 0; i < 200; i++)
        {
            if ((await client.GetStringAsync("/metrics")).Contains(line, StringComparison.Ordinal)) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"The metrics never showed '{line.Trim()}'.");
    }
}
