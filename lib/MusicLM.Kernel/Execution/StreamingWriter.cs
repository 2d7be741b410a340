using System.Text;

namespace MusicLM.Kernel.Execution;

/// <summary>
/// Console.Out / Console.Error while the kernel runs: text is buffered and handed to
/// <c>publish</c> as a Jupyter <c>stream</c> message when flushed — by the kernel's flusher every
/// 50 ms, on an explicit Flush, and before a cell's results — so a training loop's prints appear
/// as they happen. Thread-safe.
/// </summary>
internal sealed class StreamingWriter(string name, Action<string, string> publish) : TextWriter
{
    private readonly StringBuilder _buffer = new();
    private readonly object _publishLock = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_buffer) _buffer.Append(value);
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        lock (_buffer) _buffer.Append(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_buffer) _buffer.Append(buffer, index, count);
    }

    public override void WriteLine(string? value)
    {
        lock (_buffer) _buffer.Append(value).Append('\n');
    }

    public override void Flush()
    {
        // One publisher at a time, so chunks keep their order.
        lock (_publishLock)
        {
            string text;
            lock (_buffer)
            {
                if (_buffer.Length == 0) return;
                text = _buffer.ToString();
                _buffer.Clear();
            }
            publish(name, text);
        }
    }
}
