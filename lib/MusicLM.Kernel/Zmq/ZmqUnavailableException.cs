namespace MusicLM.Kernel.Zmq;

/// <summary>libzmq.so.5 could not be loaded: the kernel cannot talk to Jupyter without it.</summary>
public sealed class ZmqUnavailableException(Exception inner)
    : Exception("The Jupyter kernel needs ZeroMQ (libzmq.so.5), which could not be loaded. " +
                "On Debian/Ubuntu install it with: sudo apt-get install libzmq5", inner);
