namespace MusicLM.Interactive;

/// <summary>
/// The contract with the C# Jupyter kernel, through <see cref="AppContext"/> data so that neither assembly
/// references the other. Both entries are absent outside the kernel.
/// </summary>
internal static class KernelHooks
{
    /// <summary>(data, metadata, display_id, update) → display_data or update_display_data.</summary>
    public const string PublishKey = "jupyter.kernel.publish_display";

    /// <summary>A <c>Func&lt;CancellationToken&gt;</c>: the running cell's token, cancelled on interrupt.</summary>
    public const string InterruptKey = "jupyter.kernel.interrupt_token";

    public static Action<IReadOnlyDictionary<string, object>, IReadOnlyDictionary<string, object>?, string?, bool>? Publisher =>
        AppContext.GetData(PublishKey) as Action<IReadOnlyDictionary<string, object>, IReadOnlyDictionary<string, object>?, string?, bool>;

    public static bool InKernel => Publisher != null;

    public static CancellationToken InterruptToken =>
        AppContext.GetData(InterruptKey) is Func<CancellationToken> f ? f() : CancellationToken.None;
}
