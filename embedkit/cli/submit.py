"""The driver program for `spark-submit`: embedkit's command line, run as a file.

spark-submit runs a Python file, not a module, so this file imports embedkit by its full name.
Under spark-submit embedkit takes the master, the JVM and the settings spark-submit gives
(leave out --spark-master):

    spark-submit --master yarn --deploy-mode client "$(python -m embedkit.cli.submit)" \\
        train 'hdfs:///corpus/*.txt' --engine spark --partitions 8 -o vectors.ekv

Without arguments it prints its own path, for that command line.
"""

import sys

if __name__ == "__main__":
    if len(sys.argv) > 1:
        from embedkit.cli import main

        main()
    else:
        print(__file__)
