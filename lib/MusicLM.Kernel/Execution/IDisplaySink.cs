namespace MusicLM.Kernel.Execution;

/// <summary>Where display output goes: the kernel's iopub channel, with the running cell as parent.</summary>
internal interface IDisplaySink
{
    void PublishDisplay(IReadOnlyDictionary<string, object> data, IReadOnlyDictionary<string, object>? metadata, string? displayId, bool update);

    void ClearOutput(bool wait);
}
