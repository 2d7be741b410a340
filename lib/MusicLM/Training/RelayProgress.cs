namespace MusicLM.Training;

/// <summary>
/// Reports synchronously, on the reporting thread (unlike <see cref="Progress{T}"/>, which posts to a synchronisation
/// context or the thread pool and can reorder reports): for progress a library relays from an inner call.
/// </summary>
internal sealed class RelayProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
