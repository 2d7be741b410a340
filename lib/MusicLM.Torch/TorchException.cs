namespace MusicLM.Torch;

/// <summary>
/// An error reported by libtorch (a shape mismatch, a bad index, a dtype error, ...). The message is
/// libtorch's own; the process and every other tensor stay usable.
/// </summary>
public class TorchException : Exception
{
    public TorchException(string message) : base(message) { }
    public TorchException(string message, Exception inner) : base(message, inner) { }
}
