# dotenv
