using System.Text;

namespace RlSpec.Policy.Tasks;

/// <summary>
/// Worked solution for column addition/subtraction, right to left: one step per column written as
/// <c>a+b+c=CD,</c> (carry in c; result digit D and carry out C) or <c>a-b-c=BD,</c> (borrow in c; borrow out B),
/// then <c>A:answer</c>. Each step only needs two digits copied from the prompt plus the previous step's carry,
/// which is what makes it learnable by a small model.
/// </summary>
public static class ColumnScratchpad
{
    public const string AnswerMarker = "A:";

    public static string Write(long a, char op, long b, bool resultFirst = false)
    {
        var (da, db) = (Digits(a), Digits(b));
        var columns = Math.Max(da.Length, db.Length);
        var text = new StringBuilder();
        var carry = 0;
        var resultDigits = new List<int>();
        for (var i = 0; i < columns; i++)
        {
            var x = i < da.Length ? da[i] : 0;
            var y = i < db.Length ? db[i] : 0;
            int digit, next;
            if (op == '+')
            {
                var sum = x + y + carry;
                (digit, next) = (sum % 10, sum / 10);
            }
            else
            {
                var diff = x - y - carry;
                (digit, next) = diff < 0 ? (diff + 10, 1) : (diff, 0);
            }

            text.Append(resultFirst ? $"{next}{digit}={x}{op}{y}{op}{carry}," : $"{x}{op}{y}{op}{carry}={next}{digit},");
            resultDigits.Add(digit);
            carry = next;
        }

        var answer = op == '+' ? a + b : a - b;
        return text.Append(AnswerMarker).Append(answer).ToString();
    }

    /// <summary>Least significant digit first.</summary>
    private static int[] Digits(long n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture).Reverse().Select(c => c - '0').ToArray();
}
