"""Load the demo question bank into the configured database: `python -m courses.examprep.demo`.

`talent demo` can call `load_demo_bank()` (inside its own Tortoise context) to make the bank part of the demo.
"""


async def load_demo_bank() -> int:
    from courses.examprep.services import demo_bank_load

    return await demo_bank_load()


def main() -> None:
    from talent.cli import run_with_db

    added = run_with_db(load_demo_bank)
    print(f"demo question bank: {added} questions added")


if __name__ == "__main__":
    main()
