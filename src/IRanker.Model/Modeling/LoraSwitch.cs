namespace IRanker.Model.Modeling;

/// <summary>
/// Whether a model's LoRA adapters take part in its forward pass; shared by all adapters of one model, so that one
/// switch turns the adapted model into its frozen base (the reference model of a KL penalty) and back.
/// </summary>
/// <remarks>The switch belongs to the model, not to a thread: do not run the adapted and the base model concurrently.</remarks>
internal sealed class LoraSwitch
{
    /// <summary>True while the adapters are added to the base projections.</summary>
    internal bool Enabled { get; private set; } = true;

    /// <summary>Disables the adapters until the returned scope is disposed, which restores the previous state (scopes nest).</summary>
    internal IDisposable Disable()
    {
        var scope = new Scope(this, Enabled);
        Enabled = false;
        return scope;
    }

    private sealed class Scope(LoraSwitch owner, bool previous) : IDisposable
    {
        private bool disposed;

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            owner.Enabled = previous;
        }
    }
}
