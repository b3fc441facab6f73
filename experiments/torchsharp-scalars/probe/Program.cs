using System.Runtime.InteropServices;
using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

// Adds two int64 tensors in a loop while another thread allocates garbage (so collections run while the main thread is
// inside libtorch) and leaves floating Scalars to the finalizer. `unsafe` uses TorchSharp's a + b (a fresh alpha Scalar 1 per call, unreachable once its handle is read);
// `safe` passes one alpha held for the whole run, as RlSpec.Policy.Tensors.TensorArithmetic.Plus does with a static field.
if (args.Length != 2 || args[0] is not ("unsafe" or "safe") || !double.TryParse(args[1], out var seconds))
{
    Console.Error.WriteLine("usage: ScalarProbe unsafe|safe SECONDS");
    return 2;
}

var safe = args[0] == "safe";
var one = 1.ToScalar();
var a = arange(0L, 8L, 1L);
var b = ones(8, ScalarType.Int64);
var stop = false;
var pressure = new Thread(() =>
{
    var i = 0;
    while (!Volatile.Read(ref stop))
    {
        for (var j = 0; j < 50; j++)
        {
            (1.5 + i++).ToScalar();
        }

        GC.KeepAlive(new byte[64 * 1024]);
    }
});
pressure.Start();
var (additions, failures, wrong) = (0L, 0L, 0L);
var clock = Stopwatch.StartNew();
while (clock.Elapsed.TotalSeconds < seconds)
{
    try
    {
        using var sum = safe ? a.add(b, one) : a + b;
        additions++;
        wrong += sum[7].item<long>() == 8 ? 0 : 1;
    }
    catch (ExternalException e)
    {
        failures++;
        if (failures == 1)
        {
            Console.WriteLine("first failure: " + e.Message.Split('\n')[0]);
        }
    }
}

Volatile.Write(ref stop, true);
pressure.Join();
Console.WriteLine($"{args[0]}: {additions} additions in {seconds} s, {failures} failed, {wrong} wrong");
return 0;
